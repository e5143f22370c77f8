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
        try HTMLText.list(ctx, tag: "options", shape: "{value, label, selected}", needs: "a value and a label", capacity: 64) { html, option in
            guard let value = option["value"]?.string, let label = option["label"]?.string else { return false }
            html.append("<option value=\"")
            HTMLText.appendEscaped(value, to: &html)
            html.append(HTMLText.isTrue(option["selected"]) ? "\" selected>" : "\">")
            HTMLText.appendEscaped(label, to: &html)
            html.append("</option>")
            return true
        }
    }
}

/// `#cells(list)` in a template: a table row's data cells, from a list of `{text, nowrap}`
/// (`TableCell`), the text escaped for HTML.
///
/// It writes what `#for(cell in list):<td#if(cell.nowrap): class="nowrap"#endif>#(cell.text)</td>#endfor`
/// wrote, in one step. The portfolio's 50 rows each asked seven times whether a column is shown and
/// looked up its value; now each row carries the cells of the shown columns only.
struct CellsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try HTMLText.list(ctx, tag: "cells", shape: "{text, nowrap}", needs: "a text", capacity: 32) { html, cell in
            guard let text = cell["text"]?.string else { return false }
            html.append(HTMLText.isTrue(cell["nowrap"]) ? "<td class=\"nowrap\">" : "<td>")
            HTMLText.appendEscaped(text, to: &html)
            html.append("</td>")
            return true
        }
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
    /// True as `#if(value)` takes it: a true Boolean, or any value that is neither a Boolean nor nil.
    static func isTrue(_ value: LeafData?) -> Bool {
        guard let value else { return false }
        return (value.bool ?? false) || (!value.isNil && value.celf != .bool)
    }

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

    /// What `#options` and `#cells` share: one parameter, a list of dictionaries, each written by
    /// `write`, which answers false when the element lacks what it `needs`.
    static func list(
        _ ctx: LeafContext, tag: String, shape: String, needs: String, capacity: Int,
        _ write: (inout String, [String: LeafData]) -> Bool
    ) throws -> LeafData {
        guard ctx.parameters.count == 1, let list = ctx.parameters[0].array else {
            throw TemplateError(message: "#\(tag) needs one parameter: a list of \(shape)")
        }
        var html = ""
        html.reserveCapacity(list.count * capacity)
        for item in list {
            guard let element = item.dictionary, write(&html, element) else {
                throw TemplateError(message: "#\(tag): every element needs \(needs)")
            }
        }
        return .string(html)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
            || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
    }
}
