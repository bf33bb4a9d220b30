#pragma once
// Text from the server, made safe to show on a terminal. A token or a tool result is the
// server's (and through it the model's) text: an escape sequence in it could move the cursor,
// retitle the window or rewrite what the person sees. Every C0 control but "\n" and "\t",
// DEL and the C1 controls (U+0080..U+009F) are shown in caret notation ("^[") instead; a
// "\r\n" becomes "\n". Pure; UTF-8 text passes unchanged.
#include <string>
#include <string_view>

namespace harness::chat {

std::string printable(std::string_view text);

}  // namespace harness::chat
