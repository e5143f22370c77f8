import LeafKit

/// `#options(list)` in a template: the `<option>` elements of a menu, from a list of
/// `{value, label, selected}` (`FormView.Option` and its kin), value and label escaped for HTML.
///
/// It writes what this loop wrote, in one step:
/// `#for(option in list):<option value="#(option.value)"#if(option.selected): selected#endif>#(option.label)</option>#endfor`.
/// Leaf's loop finds each variable by splitting its dotted path and walking the context on every
/// pass; the pathway page's menu of the office's employers has about 150 options at a national
/// office. One difference: an option without a value or a label is an error in the template,
/// where the loop wrote it empty.
struct OptionsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1, let list = ctx.parameters[0].array else {
            throw TemplateError(message: "#options needs one parameter: a list of {value, label, selected}")
        }
        var html = ""
        html.reserveCapacity(list.count * 64)
        for item in list {
            guard let option = item.dictionary, let value = option["value"]?.string, let label = option["label"]?.string else {
                throw TemplateError(message: "#options: every element needs a value and a label")
            }
            html.append("<option value=\"")
            HTMLText.appendEscaped(value, to: &html)
            html.append(Self.isTrue(option["selected"]) ? "\" selected>" : "\">")
            HTMLText.appendEscaped(label, to: &html)
            html.append("</option>")
        }
        return .string(html)
    }

    /// True as `#if(option.selected)` takes it: a true Boolean, or any value that is not a Boolean
    /// and not nil.
    private static func isTrue(_ value: LeafData?) -> Bool {
        guard let value else { return false }
        return (value.bool ?? false) || (!value.isNil && value.celf != .bool)
    }
}

/// Text for HTML, escaped as Leaf escapes `#(value)`: `&`, `<`, `>`, `"` and `'`.
enum HTMLText {
    static func appendEscaped(_ value: String, to html: inout String) {
        let utf8 = value.utf8
        // Most names and ids need no escaping: copy them whole.
        guard utf8.contains(where: needsEscape) else {
            html.append(value)
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": html.append("&amp;")
            case "\"": html.append("&quot;")
            case "'": html.append("&#39;")
            case "<": html.append("&lt;")
            case ">": html.append("&gt;")
            default: html.unicodeScalars.append(scalar)
            }
        }
    }

    static func escaped(_ value: String) -> String {
        var html = ""
        appendEscaped(value, to: &html)
        return html
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
            || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
    }
}
