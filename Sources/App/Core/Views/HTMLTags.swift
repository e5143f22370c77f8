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

/// `#criteria(list)` in a template: the pathway page's criteria of one step, from a list of
/// `PathwayPage.CriterionItem`, every text escaped for HTML.
///
/// It writes what the page's loop wrote, in one step. A criterion judged by the counselor, state
/// `manual`, shows its number, text and risk only: the page puts those in a list of their own
/// (`PathwayPage.CriteriaGroup` splits a step's criteria by that state), and the tag tells them
/// apart by it. For the others:
/// `#for(item in list):<li class="criterion #(item.state)" id="k-#(item.id)"><p><span class="tag #(item.tagClass)">#(item.stateLabel)</span>
/// <strong>#(item.id)</strong> #(item.text)</p><p class="criterion-line">#(item.line)</p>#if(item.hasRule):<p class="hint"><span>#t("criterion.rule")</span>:
/// #(item.rule)</p>#endif#if(item.hasRisk):<p class="risk"><span class="risk-label">#t("criterion.risk")</span>: <span class="prewrap">#(item.risk)</span></p>#endif</li>#endfor`.
/// The page shows every criterion of the model, about ten values each, and the risk texts are
/// paragraphs: Leaf resolved each value by its dotted path and escaped it a character at a time
/// (a tenth of the page's CPU went to escaping alone).
struct CriteriaTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        let ruleLabel = HTMLText.text(ctx, "criterion.rule"), riskLabel = HTMLText.text(ctx, "criterion.risk")
        return try HTMLText.list(ctx, tag: "criteria", shape: "criteria (PathwayPage.CriterionItem)", needs: "an id, a text and a state", capacity: 640) { html, item in
            guard let id = item["id"]?.string, let text = item["text"]?.string, let state = item["state"]?.string else { return false }
            let risk = HTMLText.isTrue(item["hasRisk"]) ? item["risk"]?.string ?? "" : nil
            if state == "manual" {
                html.append("<li class=\"criterion manual\"><p><strong>")
                HTMLText.appendEscaped(id, to: &html)
            } else {
                html.append("<li class=\"criterion ")
                HTMLText.appendEscaped(state, to: &html)
                html.append("\" id=\"k-")
                HTMLText.appendEscaped(id, to: &html)
                html.append("\"><p><span class=\"tag ")
                HTMLText.appendEscaped(item["tagClass"]?.string ?? "", to: &html)
                html.append("\">")
                HTMLText.appendEscaped(item["stateLabel"]?.string ?? "", to: &html)
                html.append("</span> <strong>")
                HTMLText.appendEscaped(id, to: &html)
            }
            html.append("</strong> ")
            HTMLText.appendEscaped(text, to: &html)
            html.append("</p>")
            if state != "manual" {
                html.append("<p class=\"criterion-line\">")
                HTMLText.appendEscaped(item["line"]?.string ?? "", to: &html)
                html.append("</p>")
                if HTMLText.isTrue(item["hasRule"]) {
                    html.append("<p class=\"hint\"><span>")
                    html.append(ruleLabel)
                    html.append("</span>: ")
                    HTMLText.appendEscaped(item["rule"]?.string ?? "", to: &html)
                    html.append("</p>")
                }
            }
            if let risk {
                html.append("<p class=\"risk\"><span class=\"risk-label\">")
                html.append(riskLabel)
                html.append("</span>: <span class=\"prewrap\">")
                HTMLText.appendEscaped(risk, to: &html)
                html.append("</span></p>")
            }
            html.append("</li>")
            return true
        }
    }
}

/// `#timeline(list)` in a template: the pathway page's events, from a list of
/// `PathwayPage.TimelineItem`, every text escaped for HTML.
///
/// It writes what this loop wrote, in one step:
/// `#for(item in list):<li#if(item.isWithdrawn): class="withdrawn"#endif><strong>#(item.date)</strong> #if(item.isWithdrawn):<s>#(item.label)</s>#else:#(item.label)#endif
/// #if(item.hasEmployer): – #(item.employer)#endif#if(item.hasNote):<br><span class="prewrap">#(item.note)</span>#endif<br><span class="muted small">#(item.recorded)</span>
/// #if(item.isWithdrawn):<br><span class="small prewrap">#(item.withdrawn)</span>#endif#if(item.mayWithdraw):<br><a class="small" href="#(item.withdrawHref)">
/// #t("pathway.withdraw.summary")<span class="visually-hidden">: #(item.label), #(item.date)</span></a>#endif</li>#endfor`
/// (the line breaks here are not in it). A page shows 30 events, about ten values each.
struct TimelineTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        let withdrawLabel = HTMLText.text(ctx, "pathway.withdraw.summary")
        return try HTMLText.list(ctx, tag: "timeline", shape: "events (PathwayPage.TimelineItem)", needs: "a date, a label and a line on who recorded it", capacity: 256) { html, item in
            guard let date = item["date"]?.string, let label = item["label"]?.string, let recorded = item["recorded"]?.string else { return false }
            let withdrawn = HTMLText.isTrue(item["isWithdrawn"])
            html.append(withdrawn ? "<li class=\"withdrawn\"><strong>" : "<li><strong>")
            HTMLText.appendEscaped(date, to: &html)
            html.append(withdrawn ? "</strong> <s>" : "</strong> ")
            HTMLText.appendEscaped(label, to: &html)
            if withdrawn { html.append("</s>") }
            if HTMLText.isTrue(item["hasEmployer"]) {
                html.append(" – ")
                HTMLText.appendEscaped(item["employer"]?.string ?? "", to: &html)
            }
            if HTMLText.isTrue(item["hasNote"]) {
                html.append("<br><span class=\"prewrap\">")
                HTMLText.appendEscaped(item["note"]?.string ?? "", to: &html)
                html.append("</span>")
            }
            html.append("<br><span class=\"muted small\">")
            HTMLText.appendEscaped(recorded, to: &html)
            html.append("</span>")
            if withdrawn {
                html.append("<br><span class=\"small prewrap\">")
                HTMLText.appendEscaped(item["withdrawn"]?.string ?? "", to: &html)
                html.append("</span>")
            }
            if HTMLText.isTrue(item["mayWithdraw"]) {
                html.append("<br><a class=\"small\" href=\"")
                HTMLText.appendEscaped(item["withdrawHref"]?.string ?? "", to: &html)
                html.append("\">")
                html.append(withdrawLabel)
                html.append("<span class=\"visually-hidden\">: ")
                HTMLText.appendEscaped(label, to: &html)
                html.append(", ")
                HTMLText.appendEscaped(date, to: &html)
                html.append("</span></a>")
            }
            html.append("</li>")
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

    /// A text of the page's language, escaped, as `#t("key")` writes it.
    static func text(_ ctx: LeafContext, _ key: String) -> String {
        let text = (ctx.userInfo[PageTexts.userInfoKey] as? PageTexts)?.text(key) ?? ctx.request.map { $0.t(key, []) } ?? key
        var html = ""
        html.reserveCapacity(text.utf8.count + 16)
        appendEscaped(text, to: &html)
        return html
    }

    /// What `#options`, `#cells`, `#criteria` and `#timeline` share: one parameter, a list of dictionaries, each written by
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
