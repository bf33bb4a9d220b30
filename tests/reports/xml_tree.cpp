#include "xml_tree.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

namespace xml_tree {

bool Element::has(std::string_view attr) const {
    for (const auto& [k, v] : attributes) {
        if (k == attr) return true;
    }
    return false;
}

const std::string& Element::at(std::string_view attr) const {
    for (const auto& [k, v] : attributes) {
        if (k == attr) return v;
    }
    throw std::out_of_range("<" + name + "> has no attribute " + std::string(attr));
}

std::vector<const Element*> Element::all(std::string_view child_name) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
        if (c.name == child_name) out.push_back(&c);
    }
    return out;
}

const Element* Element::first(std::string_view child_name) const {
    for (const auto& c : children) {
        if (c.name == child_name) return &c;
    }
    return nullptr;
}

namespace {

std::string str(const xmlChar* s) {
    return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

Element convert(const xmlNode* node) {
    Element e;
    e.name = str(node->name);
    for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        const std::unique_ptr<xmlChar, void (*)(void*)> value(
            xmlNodeListGetString(node->doc, a->children, 1), xmlFree);
        e.attributes.emplace_back(str(a->name), str(value.get()));
    }
    for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            e.children.push_back(convert(c));
        } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            e.text += str(c->content);
        }
    }
    return e;
}

}  // namespace

Element parse(std::string_view document) {
    if (document.size() > INT_MAX) throw ParseError("document too large");
    xmlResetLastError();
    // No recovery, no network, no DTD loading; errors come back as the exception, not stderr.
    const std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc(
        xmlReadMemory(document.data(), static_cast<int>(document.size()), "junit.xml", nullptr,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
        xmlFreeDoc);
    if (doc == nullptr) {
        const xmlError* err = xmlGetLastError();
        throw ParseError(err != nullptr && err->message != nullptr
                             ? "line " + std::to_string(err->line) + ": " + err->message
                             : "not well-formed XML");
    }
    return convert(xmlDocGetRootElement(doc.get()));
}

}  // namespace xml_tree
