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
    static func isTrue(_ value: LeafData?) -> Bool {
        guard let value else { return false }
        return (value.bool ?? false) || (!value.isNil && value.celf != .bool)
    }
}

/// `#cells(list)` in a template: a table row's data cells, from a list of `{text, nowrap}`
/// (`TableCell`), the text escaped for HTML.
///
/// It writes what `#for(cell in list):<td#if(cell.nowrap): class="nowrap"#endif>#(cell.text)</td>#endfor`
/// wrote, in one step. The portfolio's 50 rows each asked seven times whether a column is shown and
/// looked up its value, and that was most of the page's rendering; now each row carries the cells
/// of the shown columns only.
struct CellsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1, let list = ctx.parameters[0].array else {
            throw TemplateError(message: "#cells needs one parameter: a list of {text, nowrap}")
        }
        var html = ""
        html.reserveCapacity(list.count * 32)
        for item in list {
            guard let cell = item.dictionary, let text = cell["text"]?.string else {
                throw TemplateError(message: "#cells: every element needs a text")
            }
            html.append(OptionsTag.isTrue(cell["nowrap"]) ? "<td class=\"nowrap\">" : "<td>")
            HTMLText.appendEscaped(text, to: &html)
            html.append("</td>")
        }
        return .string(html)
    }
}

/// One data cell of a table row, for `#cells`; handed to Leaf as built (`leafData`), not through
/// Leaf's encoder.
struct TableCell: Encodable, Sendable, LeafDataRepresentable {
    var text: String
    /// Kept on one line (dates, national ID numbers).
    var nowrap = false

    var leafData: LeafData { .dictionary(["text": .string(text), "nowrap": .bool(nowrap)]) }
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
