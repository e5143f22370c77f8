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
        try HTMLText.list(ctx, tag: "cells", shape: "{text, nowrap}", needs: "a text", capacity: 32, HTMLText.appendCell)
    }
}

/// `#portfolioRows(list)` in a template: the portfolio's rows, from a list of
/// `PortfolioController.Row`, every text escaped for HTML.
///
/// It writes what this loop wrote, in one step (the line breaks here are not in it):
/// `#for(row in list):<tr><td><a href="#(row.href)">#(row.name)</a>#if(row.hybrid): <span class="tag hybrid">#t("portfolio.tag.hybrid")</span>#endif
/// #if(row.needsAction): <span class="tag warn">#t("portfolio.tag.needs_action")</span>#endif</td>#cells(row.cells)</tr>#endfor`.
/// A page shows 50 rows; the loop resolved and escaped each row's values one by one. One difference:
/// a row without a link, a name or cells, or a cell without a text, is an error in the template,
/// where the loop wrote it empty.
struct PortfolioRowsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        let hybridLabel = HTMLText.text(ctx, "portfolio.tag.hybrid"), needsActionLabel = HTMLText.text(ctx, "portfolio.tag.needs_action")
        return try HTMLText.list(ctx, tag: "portfolioRows", shape: "rows (PortfolioController.Row)", needs: "a link, a name and cells with a text each", capacity: 512) { html, row in
            guard let href = row["href"]?.string, let name = row["name"]?.string, let cells = row["cells"]?.array else { return false }
            html.append("<tr><td><a href=\"")
            HTMLText.appendEscaped(href, to: &html)
            html.append("\">")
            HTMLText.appendEscaped(name, to: &html)
            html.append("</a>")
            if HTMLText.isTrue(row["hybrid"]) {
                html.append(" <span class=\"tag hybrid\">")
                html.append(hybridLabel)
                html.append("</span>")
            }
            if HTMLText.isTrue(row["needsAction"]) {
                html.append(" <span class=\"tag warn\">")
                html.append(needsActionLabel)
                html.append("</span>")
            }
            html.append("</td>")
            for cell in cells {
                guard let cell = cell.dictionary, HTMLText.appendCell(&html, cell) else { return false }
            }
            html.append("</tr>")
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

/// `#overviewRows(rows, csrfToken, openReason)` in a template: the office overview's rows, one per
/// staff member, from a list of `OfficeOverviewController.CounselorRow`, every text escaped for HTML.
///
/// It writes what the page's loop wrote, in one step (the line breaks here are not in it):
/// `#for(row in rows):<tr id="veileder-#(row.id)"><th scope="row">#(row.name)</th><td>#(row.portfolio)</td>
/// <td>#(row.hybrid)#if(row.hasHybridFlag): <span class="tag warn">#(row.hybridFlagLabel)</span>#endif</td>
/// <td>#if(row.hasNeedsAction):<span class="tag warn">#(row.needsAction)</span>#else:0#endif</td><td class="nowrap">#(row.lastContact)</td>
/// <td class="nowrap">#(row.lastLogin)</td><td>#(row.handoversIn)</td><td>#if(row.hasPortfolio):<details#if(row.isOpen): open#endif>
/// <summary>#t("overview.open.summary")</summary><form method="post" action="/kontor/oversikt/veiledere/#(row.id)" class="stack" novalidate>
/// <input type="hidden" name="_csrf" value="#(csrfToken)"><div class="field"><label for="reason-#(row.id)">#(row.openLabel)</label>
/// <input id="reason-#(row.id)" name="reason" type="text"#if(row.isOpen): value="#(openReason)" aria-invalid="true"#endif></div>
/// <button type="submit" class="button small">#t("overview.open.submit")</button></form></details>#else:–#endif</td></tr>#endfor`.
/// Each row held about twenty expressions, most of them in the reason form; Leaf resolved each by
/// its dotted path and escaped it a character at a time (Leaf was a third of the page's CPU). One
/// difference: a row without an id or a name is an error in the template, where the loop wrote it
/// empty.
struct OverviewRowsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        let usage = "#overviewRows needs three parameters: a list of counselor rows (OfficeOverviewController.CounselorRow), the form token and the reason given"
        guard ctx.parameters.count == 3 else { throw TemplateError(message: usage) }
        let token = HTMLText.escaped(HTMLText.string(ctx.parameters[1])), reason = HTMLText.escaped(HTMLText.string(ctx.parameters[2]))
        let summary = HTMLText.text(ctx, "overview.open.summary"), submit = HTMLText.text(ctx, "overview.open.submit")
        return try HTMLText.list(ctx.parameters[0], tag: "overviewRows", usage: usage, needs: "an id and a name", capacity: 1_024) { html, row in
            guard let rawID = row["id"]?.string, let name = row["name"]?.string else { return false }
            let id = HTMLText.escaped(rawID)
            html.append("<tr id=\"veileder-")
            html.append(id)
            html.append("\"><th scope=\"row\">")
            HTMLText.appendEscaped(name, to: &html)
            html.append("</th><td>")
            HTMLText.appendEscaped(HTMLText.string(row["portfolio"]), to: &html)
            html.append("</td><td>")
            HTMLText.appendEscaped(HTMLText.string(row["hybrid"]), to: &html)
            if HTMLText.isTrue(row["hasHybridFlag"]) {
                html.append(" <span class=\"tag warn\">")
                HTMLText.appendEscaped(HTMLText.string(row["hybridFlagLabel"]), to: &html)
                html.append("</span>")
            }
            html.append("</td><td>")
            if HTMLText.isTrue(row["hasNeedsAction"]) {
                html.append("<span class=\"tag warn\">")
                HTMLText.appendEscaped(HTMLText.string(row["needsAction"]), to: &html)
                html.append("</span>")
            } else {
                html.append("0")
            }
            html.append("</td><td class=\"nowrap\">")
            HTMLText.appendEscaped(HTMLText.string(row["lastContact"]), to: &html)
            html.append("</td><td class=\"nowrap\">")
            HTMLText.appendEscaped(HTMLText.string(row["lastLogin"]), to: &html)
            html.append("</td><td>")
            HTMLText.appendEscaped(HTMLText.string(row["handoversIn"]), to: &html)
            html.append("</td><td>")
            if HTMLText.isTrue(row["hasPortfolio"]) {
                let open = HTMLText.isTrue(row["isOpen"])
                html.append(open ? "<details open><summary>" : "<details><summary>")
                html.append(summary)
                html.append("</summary><form method=\"post\" action=\"/kontor/oversikt/veiledere/")
                html.append(id)
                html.append("\" class=\"stack\" novalidate><input type=\"hidden\" name=\"_csrf\" value=\"")
                html.append(token)
                html.append("\"><div class=\"field\"><label for=\"reason-")
                html.append(id)
                html.append("\">")
                HTMLText.appendEscaped(HTMLText.string(row["openLabel"]), to: &html)
                html.append("</label><input id=\"reason-")
                html.append(id)
                html.append("\" name=\"reason\" type=\"text\"")
                if open {
                    html.append(" value=\"")
                    html.append(reason)
                    html.append("\" aria-invalid=\"true\"")
                }
                html.append("></div><button type=\"submit\" class=\"button small\">")
                html.append(submit)
                html.append("</button></form></details>")
            } else {
                html.append("–")
            }
            html.append("</td></tr>")
            return true
        }
    }
}

/// `#looks(list)` in a template: the candidate page's rows of who has looked, from a list of
/// `CandidatePage.LookRow`, every text escaped for HTML.
///
/// It writes what this loop wrote, in one step:
/// `#for(look in list):<tr#if(look.outcome == "denied"): class="denied"#endif><td class="nowrap">#(look.at)</td><td>#(look.who)</td>
/// <td>#(look.action)#if(look.detail):<br><span class="muted">#(look.detail)</span>#endif</td></tr>#endfor` (the line break is not in it).
/// The page shows up to 50 such rows; Leaf's comparison of each outcome went through its table of
/// converters (about a tenth of the page's CPU went to comparisons). One difference: a row without a
/// time, who or what is an error in the template, where the loop wrote it empty.
struct LooksTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try HTMLText.list(ctx, tag: "looks", shape: "looks (CandidatePage.LookRow)", needs: "a time, who and what", capacity: 160) { html, look in
            guard let at = look["at"]?.string, let who = look["who"]?.string, let action = look["action"]?.string else { return false }
            html.append(look["outcome"]?.string == "denied" ? "<tr class=\"denied\"><td class=\"nowrap\">" : "<tr><td class=\"nowrap\">")
            HTMLText.appendEscaped(at, to: &html)
            html.append("</td><td>")
            HTMLText.appendEscaped(who, to: &html)
            html.append("</td><td>")
            HTMLText.appendEscaped(action, to: &html)
            if HTMLText.isTrue(look["detail"]) {
                html.append("<br><span class=\"muted\">")
                HTMLText.appendEscaped(HTMLText.string(look["detail"]), to: &html)
                html.append("</span>")
            }
            html.append("</td></tr>")
            return true
        }
    }
}

/// `#qualityRows(list)` in a template: the rows of one of the quality page's tables, from a list of
/// `QualityController.Row`, every text escaped for HTML.
///
/// It writes what this loop wrote, in one step, each row on a line of its own:
/// `#for(row in list):<tr><th scope="row"><strong>#(row.id)</strong> #(row.text)</th>#cells(row.cells)</tr>
/// #endfor`. A national office's page has about 20 criteria per model, each with a cell for the
/// office and one per counselor (about 20). One difference: a row without an id or a text is an
/// error in the template, where the loop wrote it empty (a row without cells, or a cell without a
/// text, was an error of `#cells` already). The template's indentation around the rows is gone.
struct QualityRowsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try HTMLText.list(ctx, tag: "qualityRows", shape: "rows (QualityController.Row)", needs: "an id, a text and cells with a text each", capacity: 1_024) { html, row in
            guard let id = row["id"]?.string, let text = row["text"]?.string, let cells = row["cells"]?.array else { return false }
            html.append("<tr><th scope=\"row\"><strong>")
            HTMLText.appendEscaped(id, to: &html)
            html.append("</strong> ")
            HTMLText.appendEscaped(text, to: &html)
            html.append("</th>")
            for cell in cells {
                guard let cell = cell.dictionary, HTMLText.appendCell(&html, cell) else { return false }
            }
            html.append("</tr>\n")
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

    /// One data cell, `{text, nowrap}`, as `#cells` writes it; false when it has no text.
    static func appendCell(_ html: inout String, _ cell: [String: LeafData]) -> Bool {
        guard let text = cell["text"]?.string else { return false }
        html.append(isTrue(cell["nowrap"]) ? "<td class=\"nowrap\">" : "<td>")
        appendEscaped(text, to: &html)
        html.append("</td>")
        return true
    }

    /// A text, escaped, in a string of its own.
    static func escaped(_ text: String) -> String {
        var html = ""
        html.reserveCapacity(text.utf8.count + 16)
        appendEscaped(text, to: &html)
        return html
    }

    /// A text of the page's language, escaped, as `#t("key")` writes it.
    static func text(_ ctx: LeafContext, _ key: String, _ args: [String] = []) -> String {
        escaped((ctx.userInfo[PageTexts.userInfoKey] as? PageTexts)?.text(key, args) ?? ctx.request.map { $0.t(key, args) } ?? key)
    }

    /// A value as text, as Leaf's `string` gives it (nil and a missing value as empty), without
    /// Leaf's table of converters for the two kinds the views hand over: texts and whole numbers.
    static func string(_ value: LeafData?) -> String {
        guard let value else { return "" }
        switch value.celf {
        case .string: return value.string ?? ""
        case .int: return value.int.map(String.init) ?? ""
        default: return value.string ?? ""
        }
    }

    /// What the list tags (`#options`, `#cells`, `#criteria`, `#timeline`, `#looks`, `#portfolioRows`, `#qualityRows`) share: one parameter, a list of dictionaries, each written by
    /// `write`, which answers false when the element lacks what it `needs`.
    static func list(
        _ ctx: LeafContext, tag: String, shape: String, needs: String, capacity: Int,
        _ write: (inout String, [String: LeafData]) -> Bool
    ) throws -> LeafData {
        let usage = "#\(tag) needs one parameter: a list of \(shape)"
        guard ctx.parameters.count == 1 else { throw TemplateError(message: usage) }
        return try list(ctx.parameters[0], tag: tag, usage: usage, needs: needs, capacity: capacity, write)
    }

    /// A list of dictionaries, each written by `write`; `usage` is the error when `value` is not such
    /// a list, and `needs` says what an element that `write` refuses lacks.
    static func list(
        _ value: LeafData, tag: String, usage: String, needs: String, capacity: Int,
        _ write: (inout String, [String: LeafData]) -> Bool
    ) throws -> LeafData {
        guard let list = value.array else { throw TemplateError(message: usage) }
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
