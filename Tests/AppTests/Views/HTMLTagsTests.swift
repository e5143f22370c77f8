@testable import App
import LeafKit
import NIOCore
import NIOPosix
import Testing

@Suite("The list tags (#options, #cells, #criteria, #timeline, #overviewRows, #looks, #portfolioRows, #qualityRows): each writes what the #for loop it replaced wrote")
struct HTMLTagsTests {
    /// Templates from memory, for rendering the tag and the loop it replaces side by side.
    private struct Templates: LeafSource {
        var texts: [String: String]

        func file(template: String, escape: Bool, on eventLoop: any EventLoop) throws -> EventLoopFuture<ByteBuffer> {
            guard let text = texts[template] else { return eventLoop.makeFailedFuture(LeafError(.noTemplateExists(template))) }
            return eventLoop.makeSucceededFuture(ByteBuffer(string: text))
        }
    }

    private static let loop = ##"<select>#for(option in list):<option value="#(option.value)"#if(option.selected): selected#endif>#(option.label)</option>#endfor</select>"##
    private static let tag = "<select>#options(list)</select>"
    private static let cellLoop = ##"<tr>#for(cell in list):<td#if(cell.nowrap): class="nowrap"#endif>#(cell.text)</td>#endfor</tr>"##
    private static let cellTag = "<tr>#cells(list)</tr>"
    /// The pathway page's two loops before `#criteria` (the page splits a step's criteria by state
    /// into `checked` and `manual`), as they stood in its template.
    private static let criteriaLoop = ##"<ul>#for(item in checked):<li class="criterion #(item.state)" id="k-#(item.id)"><p><span class="tag #(item.tagClass)">#(item.stateLabel)</span> <strong>#(item.id)</strong> #(item.text)</p><p class="criterion-line">#(item.line)</p>#if(item.hasRule):<p class="hint"><span>#t("criterion.rule")</span>: #(item.rule)</p>#endif#if(item.hasRisk):<p class="risk"><span class="risk-label">#t("criterion.risk")</span>: <span class="prewrap">#(item.risk)</span></p>#endif</li>#endfor</ul><ul>#for(item in manual):<li class="criterion manual"><p><strong>#(item.id)</strong> #(item.text)</p>#if(item.hasRisk):<p class="risk"><span class="risk-label">#t("criterion.risk")</span>: <span class="prewrap">#(item.risk)</span></p>#endif</li>#endfor</ul>"##
    private static let criteriaTag = "<ul>#criteria(checked)</ul><ul>#criteria(manual)</ul>"
    private static let timelineLoop = ##"<ol>#for(item in list):<li#if(item.isWithdrawn): class="withdrawn"#endif><strong>#(item.date)</strong> #if(item.isWithdrawn):<s>#(item.label)</s>#else:#(item.label)#endif#if(item.hasEmployer): – #(item.employer)#endif#if(item.hasNote):<br><span class="prewrap">#(item.note)</span>#endif<br><span class="muted small">#(item.recorded)</span>#if(item.isWithdrawn):<br><span class="small prewrap">#(item.withdrawn)</span>#endif#if(item.mayWithdraw):<br><a class="small" href="#(item.withdrawHref)">#t("pathway.withdraw.summary")<span class="visually-hidden">: #(item.label), #(item.date)</span></a>#endif</li>#endfor</ol>"##
    private static let timelineTag = "<ol>#timeline(list)</ol>"
    /// The office overview's loop before `#overviewRows`, as it stood in its template (without the
    /// whitespace between elements).
    private static let overviewLoop = ##"<tbody>#for(row in content.rows):<tr id="veileder-#(row.id)"><th scope="row">#(row.name)</th><td>#(row.portfolio)</td><td>#(row.hybrid)#if(row.hasHybridFlag): <span class="tag warn">#(row.hybridFlagLabel)</span>#endif</td><td>#if(row.hasNeedsAction):<span class="tag warn">#(row.needsAction)</span>#else:0#endif</td><td class="nowrap">#(row.lastContact)</td><td class="nowrap">#(row.lastLogin)</td><td>#(row.handoversIn)</td><td>#if(row.hasPortfolio):<details#if(row.isOpen): open#endif><summary>#t("overview.open.summary")</summary><form method="post" action="/kontor/oversikt/veiledere/#(row.id)" class="stack" novalidate><input type="hidden" name="_csrf" value="#(layout.csrfToken)"><div class="field"><label for="reason-#(row.id)">#t("overview.open.reason", row.name)</label><input id="reason-#(row.id)" name="reason" type="text"#if(row.isOpen): value="#(content.openReason)" aria-invalid="true"#endif></div><button type="submit" class="button small">#t("overview.open.submit")</button></form></details>#else:–#endif</td></tr>#endfor</tbody>"##
    private static let overviewTag = "<tbody>#overviewRows(content.rows, layout.csrfToken, content.openReason)</tbody>"
    /// The candidate page's loop before `#looks`, as it stood in its template.
    private static let looksLoop = ##"<tbody>#for(look in list):<tr#if(look.outcome == "denied"): class="denied"#endif><td class="nowrap">#(look.at)</td><td>#(look.who)</td><td>#(look.action)#if(look.detail):<br><span class="muted">#(look.detail)</span>#endif</td></tr>#endfor</tbody>"##
    private static let looksTag = "<tbody>#looks(list)</tbody>"
    /// The portfolio's loop before `#portfolioRows`, as it stood in its template.
    private static let portfolioLoop = ##"<tbody>#for(row in list):<tr><td><a href="#(row.href)">#(row.name)</a>#if(row.hybrid): <span class="tag hybrid">#t("portfolio.tag.hybrid")</span>#endif#if(row.needsAction): <span class="tag warn">#t("portfolio.tag.needs_action")</span>#endif</td>#cells(row.cells)</tr>#endfor</tbody>"##
    private static let portfolioTag = "<tbody>#portfolioRows(list)</tbody>"
    /// The quality page's loop before `#qualityRows`, as it stood in its template without the
    /// indentation around the rows, each row ending its line as it did there.
    private static let qualityLoop = "<tbody>#for(row in list):<tr><th scope=\"row\"><strong>#(row.id)</strong> #(row.text)</th>#cells(row.cells)</tr>\n#endfor</tbody>"
    private static let qualityTag = "<tbody>#qualityRows(list)</tbody>"
    /// The labels with characters to escape, so that the tag is seen to escape them as `#t` does.
    private static let texts = PageTexts(strings: StringTables(tables: ["nb": [
        "criterion.rule": "Regel <&>", "criterion.risk": "Risiko «O'Brien»", "pathway.withdraw.summary": "Trekk \"tilbake\"",
        "portfolio.tag.hybrid": "Hybrid <h>", "portfolio.tag.needs_action": "Trenger \"handling\" & mer",
        "overview.open.summary": "Oppgi <grunn>", "overview.open.submit": "Se kandidatene & logg", "overview.open.reason": "Hvorfor trenger du å se kandidatene til {0}?",
    ]]), locale: "nb")

    private func render(_ template: String, _ context: [String: LeafData]) throws -> String {
        let sources = LeafSources()
        try sources.register(using: Templates(texts: [
            "loop": Self.loop, "tag": Self.tag, "bad": "#options(list, list)", "missing": "#options(nothing)",
            "cellLoop": Self.cellLoop, "cellTag": Self.cellTag, "badCells": "#cells(list, list)", "missingCells": "#cells(nothing)",
            "criteriaLoop": Self.criteriaLoop, "criteriaTag": Self.criteriaTag, "badCriteria": "#criteria(list, list)", "missingCriteria": "#criteria(nothing)",
            "timelineLoop": Self.timelineLoop, "timelineTag": Self.timelineTag, "badTimeline": "#timeline(list, list)", "missingTimeline": "#timeline(nothing)",
            "overviewLoop": Self.overviewLoop, "overviewTag": Self.overviewTag, "badOverview": "#overviewRows(content.rows)",
            "looksLoop": Self.looksLoop, "looksTag": Self.looksTag, "badLooks": "#looks(list, list)", "missingLooks": "#looks(nothing)",
            "portfolioLoop": Self.portfolioLoop, "portfolioTag": Self.portfolioTag, "badPortfolio": "#portfolioRows(list, list)", "missingPortfolio": "#portfolioRows(nothing)",
            "qualityLoop": Self.qualityLoop, "qualityTag": Self.qualityTag, "badQuality": "#qualityRows(list, list)", "missingQuality": "#qualityRows(nothing)",
        ]))
        let tags: [String: any LeafTag] = [
            "options": OptionsTag(), "cells": CellsTag(), "criteria": CriteriaTag(), "timeline": TimelineTag(), "overviewRows": OverviewRowsTag(), "looks": LooksTag(), "portfolioRows": PortfolioRowsTag(), "qualityRows": QualityRowsTag(), "t": TranslateTag(),
        ]
        let renderer = LeafRenderer(
            configuration: LeafConfiguration(rootDirectory: "/"), tags: LeafKit.defaultTags.merging(tags) { $1 },
            sources: sources, eventLoop: MultiThreadedEventLoopGroup.singleton.any(), userInfo: [PageTexts.userInfoKey: Self.texts]
        )
        var buffer = try renderer.render(path: template, context: context).wait()
        return buffer.readString(length: buffer.readableBytes) ?? ""
    }

    /// Each template and context fails to render, and the error names the tag.
    private func expectRefused(_ cases: [(String, [String: LeafData])], naming tag: String) {
        for (template, context) in cases {
            do {
                _ = try render(template, context)
                Issue.record("\(template) rendered")
            } catch { #expect("\(error)".contains(tag)) }
        }
    }

    private static func option(_ value: String, _ label: String, _ selected: Bool) -> LeafData {
        .dictionary(["value": .string(value), "label": .string(label), "selected": .bool(selected)])
    }

    @Test("writes what the #for loop wrote, every character escaped as #(…) escapes it")
    func sameAsTheLoop() throws {
        let hostile = [#"<script>alert("x")</script>"#, "Bakeri & Konditori «Ås»", "O'Brien", "æøå ÆØÅ – ✓", "", " mellomrom ", "a>b<c", "&amp;", "\"'"]
        var options: [LeafData] = []
        for (index, text) in hostile.enumerated() {
            options.append(Self.option(text, hostile[hostile.count - 1 - index], index % 3 == 0))
        }
        options.append(Self.option("9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20", "Vanlig arbeidsgiver", false))
        // Values that are not text, and `selected` that is missing or not a Boolean, as `#if` takes it.
        for (value, selected) in [(LeafData.int(5), LeafData.string("false")), (.double(1.5), .int(0)), (.bool(true), .string("")),
                                  (.int(7), .bool(false)), (.int(8), .trueNil), (.string("x"), .string("true"))] {
            options.append(.dictionary(["value": value, "label": .string("tall"), "selected": selected]))
        }
        options.append(.dictionary(["value": .string("uten valg"), "label": .string("uten valg")]))
        let context: [String: LeafData] = ["list": .array(options)]
        let fromTag = try render("tag", context)
        #expect(fromTag == (try render("loop", context)))
        #expect(fromTag.contains(#"<option value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" selected>&quot;&#39;</option>"#))
        #expect(fromTag.contains(#"<option value="O&#39;Brien">a&gt;b&lt;c</option>"#))
        #expect(fromTag.contains(#"<option value="Bakeri &amp; Konditori «Ås»">&amp;amp;</option>"#))
        #expect(!fromTag.contains("<script>"))
        // An empty menu, and one with a single chosen option.
        #expect(try render("tag", ["list": .array([])]) == "<select></select>")
        #expect(try render("tag", ["list": .array([Self.option("a", "A", true)])]) == #"<select><option value="a" selected>A</option></select>"#)
    }

    @Test("a template that gives it anything but one list of options fails to render, naming the tag")
    func refusesOtherInput() throws {
        for (template, context) in [("bad", ["list": LeafData.array([])]), ("missing", [:]), ("tag", ["list": .string("x")]),
                                    ("tag", ["list": .array([.dictionary(["label": .string("uten verdi")])])])] {
            #expect(throws: (any Error).self) { try render(template, context) }
            do { _ = try render(template, context) } catch { #expect("\(error)".contains("#options")) }
        }
    }

    @Test("#cells writes what its #for loop wrote: text escaped as #(…) escapes it, nowrap as #if takes it")
    func cellsSameAsTheLoop() throws {
        let texts = [#"<script>alert("x")</script>"#, "Bakeri & Konditori «Ås»", "O'Brien", "æøå – ✓", "", "141290*****", "27.11.2026 09:30", "&amp;"]
        var cells: [LeafData] = texts.enumerated().map { index, text in
            .dictionary(["text": .string(text), "nowrap": .bool(index % 2 == 0)])
        }
        for nowrap in [LeafData.string("false"), .int(0), .trueNil, .string("")] {
            cells.append(.dictionary(["text": .int(42), "nowrap": nowrap]))
        }
        cells.append(.dictionary(["text": .string("uten nowrap")]))
        let context: [String: LeafData] = ["list": .array(cells)]
        let fromTag = try render("cellTag", context)
        #expect(fromTag == (try render("cellLoop", context)))
        #expect(fromTag.contains(#"<td class="nowrap">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><td>Bakeri &amp; Konditori «Ås»</td><td class="nowrap">O&#39;Brien</td>"#))
        #expect(!fromTag.contains("<script>"))
        #expect(try render("cellTag", ["list": .array([])]) == "<tr></tr>")
        expectRefused([("badCells", ["list": LeafData.array([])]), ("missingCells", [:]), ("cellTag", ["list": .string("x")]),
                       ("cellTag", ["list": .array([.dictionary(["nowrap": .bool(true)])])])], naming: "#cells")
    }

    @Test("#criteria writes what its #for loop wrote, checked and manual criteria, every text escaped as #(…) and #t escape them")
    func criteriaSameAsTheLoop() throws {
        let hostile = #"<script>alert("x")</script> & O'Brien"#
        let items: [PathwayPage.CriterionItem] = [
            .init(id: "H5.3", text: "Kontakt med mentoren minst hver 30. dag.", risk: "Mentoren blir alene.\nAndre linje.", rule: "mentorkontakt hver 30. dag",
                  state: "overdue", stateLabel: "Forfalt", tagClass: "warn", line: "Frist 1.11.2026 – passert", needsAction: true),
            .init(id: "H1.<1>", text: hostile, risk: hostile, rule: hostile, state: "met\"", stateLabel: hostile, tagClass: "ok'", line: hostile, needsAction: false),
            .init(id: "H2.1", text: "Uten regeltekst og risiko", risk: nil, rule: nil, state: "due", stateLabel: "Snart", tagClass: "due", line: "", needsAction: false),
            .init(id: "M1", text: "Skjønn & vurdering", risk: "Risiko <b>fet</b>", rule: nil, state: "manual", stateLabel: "Vurderes", tagClass: "", line: "", needsAction: false),
            .init(id: "M2", text: "Uten risiko", risk: nil, rule: nil, state: "manual", stateLabel: "Vurderes", tagClass: "", line: "", needsAction: false),
            .init(id: "", text: "", risk: "", rule: "", state: "not_applicable", stateLabel: "", tagClass: "", line: "", needsAction: false),
            .init(id: "H3.1", text: "Regel uten risiko", risk: nil, rule: "besøk før bruk", state: "met_late", stateLabel: "Sent", tagClass: "due", line: "x", needsAction: false),
            .init(id: "H3.2", text: "Risiko uten regel", risk: "kan glippe", rule: nil, state: "met", stateLabel: "Oppfylt", tagClass: "ok", line: "y", needsAction: false),
        ]
        // Split as the page splits a step's criteria (`PathwayPage.CriteriaGroup`).
        let context = try LeafContextEncoder.encode(["checked": items.filter { $0.state != "manual" }, "manual": items.filter { $0.state == "manual" }])
        let fromTag = try render("criteriaTag", context)
        #expect(fromTag == (try render("criteriaLoop", context)))
        #expect(fromTag.contains(#"<li class="criterion overdue" id="k-H5.3"><p><span class="tag warn">Forfalt</span> <strong>H5.3</strong> Kontakt med mentoren minst hver 30. dag.</p><p class="criterion-line">Frist 1.11.2026 – passert</p><p class="hint"><span>Regel &lt;&amp;&gt;</span>: mentorkontakt hver 30. dag</p><p class="risk"><span class="risk-label">Risiko «O&#39;Brien»</span>: <span class="prewrap">Mentoren blir alene.\#nAndre linje.</span></p></li>"#))
        #expect(fromTag.contains(#"<li class="criterion manual"><p><strong>M1</strong> Skjønn &amp; vurdering</p><p class="risk"><span class="risk-label">Risiko «O&#39;Brien»</span>: <span class="prewrap">Risiko &lt;b&gt;fet&lt;/b&gt;</span></p></li><li class="criterion manual"><p><strong>M2</strong> Uten risiko</p></li>"#))
        #expect(fromTag.contains(#"id="k-H1.&lt;1&gt;""#))
        #expect(!fromTag.contains("<script>") && !fromTag.contains("<b>"))
        #expect(fromTag.contains(#"<strong>H3.1</strong> Regel uten risiko</p><p class="criterion-line">x</p><p class="hint"><span>Regel &lt;&amp;&gt;</span>: besøk før bruk</p></li>"#))
        #expect(fromTag.contains(#"<strong>H3.2</strong> Risiko uten regel</p><p class="criterion-line">y</p><p class="risk">"#))
        #expect(try render("criteriaTag", ["checked": .array([]), "manual": .array([])]) == "<ul></ul><ul></ul>")
        expectRefused([("badCriteria", ["list": LeafData.array([])]), ("missingCriteria", [:]), ("criteriaTag", ["checked": .string("x"), "manual": .array([])]),
                       ("criteriaTag", ["checked": .array([.dictionary(["id": .string("H1"), "text": .string("uten tilstand")])]), "manual": .array([])])], naming: "#criteria")
    }

    @Test("#timeline writes what its #for loop wrote: withdrawn, with and without employer, note and link, every text escaped")
    func timelineSameAsTheLoop() throws {
        let hostile = #"<script>alert("x")</script> & O'Brien"#
        let items: [PathwayPage.TimelineItem] = [
            .init(id: "1", withdrawHref: "/forlop/A/hendelser/1/trekk-tilbake?eldre=x&y=1", withdrawn: nil, date: "29.11.2026", label: "Kontakt med mentor",
                  employer: "Bakeri & Konditori", note: "Første linje\nandre <linje>", recorded: "Registrert av Kari 29.11.2026 10:15"),
            .init(id: "2", withdrawHref: nil, withdrawn: "Trukket tilbake 29.11.2026 av Ola: feil \"dato\"", date: "28.11.2026", label: "Utplassering starter",
                  employer: nil, note: nil, recorded: "Registrert av Ola"),
            .init(id: "3", withdrawHref: hostile, withdrawn: hostile, date: hostile, label: hostile, employer: hostile, note: hostile, recorded: hostile),
            .init(id: "4", withdrawHref: nil, withdrawn: nil, date: "", label: "", employer: "", note: "", recorded: ""),
        ]
        let context = try LeafContextEncoder.encode(["list": items])
        let fromTag = try render("timelineTag", context)
        #expect(fromTag == (try render("timelineLoop", context)))
        #expect(fromTag.contains(#"<li><strong>29.11.2026</strong> Kontakt med mentor – Bakeri &amp; Konditori<br><span class="prewrap">Første linje\#nandre &lt;linje&gt;</span><br><span class="muted small">Registrert av Kari 29.11.2026 10:15</span><br><a class="small" href="/forlop/A/hendelser/1/trekk-tilbake?eldre=x&amp;y=1">Trekk &quot;tilbake&quot;<span class="visually-hidden">: Kontakt med mentor, 29.11.2026</span></a></li>"#))
        #expect(fromTag.contains(#"<li class="withdrawn"><strong>28.11.2026</strong> <s>Utplassering starter</s><br><span class="muted small">Registrert av Ola</span><br><span class="small prewrap">Trukket tilbake 29.11.2026 av Ola: feil &quot;dato&quot;</span></li>"#))
        #expect(!fromTag.contains("<script>"))
        #expect(try render("timelineTag", ["list": .array([])]) == "<ol></ol>")
        expectRefused([("badTimeline", ["list": LeafData.array([])]), ("missingTimeline", [:]), ("timelineTag", ["list": .string("x")]),
                       ("timelineTag", ["list": .array([.dictionary(["date": .string("1.1.2026"), "label": .string("uten registrert")])])])], naming: "#timeline")
    }

    @Test("#overviewRows writes what the office overview's #for loop wrote: flags, counts, the reason form open and closed, every text escaped")
    func overviewRowsSameAsTheLoop() throws {
        let hostile = #"<script>alert("x")</script> & O'Brien"#
        func row(_ id: String, _ name: String, portfolio: Int, hybrid: Int, flag: String?, needsAction: Int, lastContact: String, lastLogin: String,
                 handovers: Int, open: Bool = false) -> OfficeOverviewController.CounselorRow {
            .init(id: id, name: name, isCounselor: true, portfolio: portfolio, hybrid: hybrid, hybridFlag: flag == nil ? "ok" : "none", hybridFlagLabel: flag,
                  needsAction: needsAction, lastContact: lastContact, lastLogin: lastLogin, handoversIn: handovers,
                  openLabel: Self.texts.text("overview.open.reason", [name]),
                  hasPortfolio: portfolio > 0, hasNeedsAction: needsAction > 0, hasHybridFlag: flag != nil, isOpen: open)
        }
        let rows = [
            row("9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20", "Kari Nordmann", portfolio: 98, hybrid: 4, flag: nil, needsAction: 3, lastContact: "27.11.2026",
                lastLogin: "29.11.2026 08:14", handovers: 2),
            row("A1", "Ola (deaktivert)", portfolio: 12, hybrid: 0, flag: "Ingen hybridkandidat", needsAction: 0, lastContact: "–", lastLogin: "Aldri logget inn",
                handovers: 0, open: true),
            row("B2", "Uten portefølje", portfolio: 0, hybrid: 0, flag: "Ingen hybridkandidat", needsAction: 0, lastContact: "–", lastLogin: "1.11.2026 10:00", handovers: 0),
            row(hostile, hostile, portfolio: 1, hybrid: 9, flag: hostile, needsAction: 1, lastContact: hostile, lastLogin: hostile, handovers: 1, open: true),
            row("", "", portfolio: 5, hybrid: 0, flag: nil, needsAction: 0, lastContact: "", lastLogin: "", handovers: 0),
        ]
        let encoded = try #require(try LeafContextEncoder.encode(["rows": rows])["rows"])
        // A token and a reason with characters to escape, an empty reason, and a page without a token.
        for (layout, reason) in [(["csrfToken": LeafData.string("tok-<1>&\"'")], #"for kort <b>"#), (["csrfToken": .string("abc123")], ""), ([:], "x")] {
            let context: [String: LeafData] = ["layout": .dictionary(layout), "content": .dictionary(["rows": encoded, "openReason": .string(reason)])]
            let fromTag = try render("overviewTag", context)
            #expect(fromTag == (try render("overviewLoop", context)))
            #expect(!fromTag.contains("<script>") && !fromTag.contains("<b>") && !fromTag.contains("<grunn>") && !fromTag.contains("<1>"))
        }
        let context: [String: LeafData] = [
            "layout": .dictionary(["csrfToken": .string("abc123")]),
            "content": .dictionary(["rows": encoded, "openReason": .string("for kort <b>")]),
        ]
        let fromTag = try render("overviewTag", context)
        #expect(fromTag.contains(#"<tr id="veileder-9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20"><th scope="row">Kari Nordmann</th><td>98</td><td>4</td><td><span class="tag warn">3</span></td><td class="nowrap">27.11.2026</td><td class="nowrap">29.11.2026 08:14</td><td>2</td><td><details><summary>Oppgi &lt;grunn&gt;</summary><form method="post" action="/kontor/oversikt/veiledere/9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20" class="stack" novalidate><input type="hidden" name="_csrf" value="abc123"><div class="field"><label for="reason-9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20">Hvorfor trenger du å se kandidatene til Kari Nordmann?</label><input id="reason-9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20" name="reason" type="text"></div><button type="submit" class="button small">Se kandidatene &amp; logg</button></form></details></td></tr>"#))
        #expect(fromTag.contains(#"<td>0 <span class="tag warn">Ingen hybridkandidat</span></td><td>0</td>"#))
        #expect(fromTag.contains(#"<details open>"#) && fromTag.contains(#"<input id="reason-A1" name="reason" type="text" value="for kort &lt;b&gt;" aria-invalid="true">"#))
        #expect(fromTag.contains(#"<tr id="veileder-B2"><th scope="row">Uten portefølje</th><td>0</td><td>0 <span class="tag warn">Ingen hybridkandidat</span></td><td>0</td><td class="nowrap">–</td><td class="nowrap">1.11.2026 10:00</td><td>0</td><td>–</td></tr>"#))
        #expect(try render("overviewTag", ["layout": .dictionary([:]), "content": .dictionary(["rows": .array([]), "openReason": .string("")])]) == "<tbody></tbody>")
        expectRefused([("badOverview", ["content": .dictionary(["rows": .array([])])]),
                       ("overviewTag", ["layout": .dictionary([:]), "content": .dictionary(["rows": .string("x"), "openReason": .string("")])]),
                       ("overviewTag", ["layout": .dictionary([:]), "content": .dictionary(["rows": .array([.dictionary(["name": .string("uten id")])]), "openReason": .string("")])])],
                      naming: "#overviewRows")
    }

    @Test("#looks writes what the candidate page's #for loop wrote: denied rows marked, the detail when there is one, every text escaped")
    func looksSameAsTheLoop() throws {
        let hostile = #"<script>alert("x")</script> & O'Brien"#
        let looks: [CandidatePage.LookRow] = [
            .init(at: "29.11.2026 10:15", who: "v5001-01", action: "Så kandidatsiden", outcome: "success", detail: nil),
            .init(at: "29.11.2026 10:16", who: "l5001", action: "Nektet innsyn", outcome: "denied", detail: "grunn: «kontroll» & <sjekk>"),
            .init(at: hostile, who: hostile, action: hostile, outcome: hostile, detail: hostile),
            .init(at: "", who: "", action: "", outcome: "", detail: ""),
            .init(at: "1.1.2026 00:00", who: "–", action: "Endret", outcome: "Denied", detail: nil),
        ]
        let context = try LeafContextEncoder.encode(["list": looks])
        let fromTag = try render("looksTag", context)
        #expect(fromTag == (try render("looksLoop", context)))
        #expect(fromTag.contains(#"<tr><td class="nowrap">29.11.2026 10:15</td><td>v5001-01</td><td>Så kandidatsiden</td></tr><tr class="denied"><td class="nowrap">29.11.2026 10:16</td><td>l5001</td><td>Nektet innsyn<br><span class="muted">grunn: «kontroll» &amp; &lt;sjekk&gt;</span></td></tr>"#))
        #expect(fromTag.contains(#"<tr><td class="nowrap">1.1.2026 00:00</td><td>–</td><td>Endret</td></tr>"#), "only \"denied\" marks a row")
        #expect(!fromTag.contains("<script>"))
        #expect(try render("looksTag", ["list": .array([])]) == "<tbody></tbody>")
        expectRefused([("badLooks", ["list": LeafData.array([])]), ("missingLooks", [:]), ("looksTag", ["list": .string("x")]),
                       ("looksTag", ["list": .array([.dictionary(["at": .string("1.1.2026"), "who": .string("x")])])])], naming: "#looks")
    }

    @Test("#portfolioRows writes what the portfolio's #for loop wrote: the name's link, the hybrid and action tags, the shown cells, every text escaped")
    func portfolioRowsSameAsTheLoop() throws {
        let hostile = #"<script>alert("x")</script> & O'Brien"#
        let rows: [PortfolioController.Row] = [
            .init(href: "/kandidater/9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20", name: "Kari Nordmann",
                  cells: [TableCell(text: "141290*****", nowrap: true), TableCell(text: "Spesielt tilpasset innsats"), TableCell(text: "Aldri", nowrap: true)],
                  hybrid: true, needsAction: true),
            .init(href: "/kandidater/A", name: "Ola Ås", cells: [TableCell(text: "Bodø")], hybrid: false, needsAction: true),
            .init(href: "/kandidater/B", name: "Uten merker", cells: [], hybrid: false, needsAction: false),
            .init(href: hostile, name: hostile, cells: [TableCell(text: hostile, nowrap: true), TableCell(text: "")], hybrid: true, needsAction: false),
            .init(href: "", name: "", cells: [TableCell(text: "")], hybrid: false, needsAction: false),
        ]
        let context: [String: LeafData] = ["list": .array(rows.map(\.leafData))]
        let fromTag = try render("portfolioTag", context)
        #expect(fromTag == (try render("portfolioLoop", context)))
        #expect(fromTag.contains(#"<tr><td><a href="/kandidater/9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20">Kari Nordmann</a> <span class="tag hybrid">Hybrid &lt;h&gt;</span> <span class="tag warn">Trenger &quot;handling&quot; &amp; mer</span></td><td class="nowrap">141290*****</td><td>Spesielt tilpasset innsats</td><td class="nowrap">Aldri</td></tr>"#))
        #expect(fromTag.contains(#"<tr><td><a href="/kandidater/B">Uten merker</a></td></tr>"#))
        #expect(!fromTag.contains("<script>") && !fromTag.contains("<h>"))
        #expect(try render("portfolioTag", ["list": .array([])]) == "<tbody></tbody>")
        expectRefused([("badPortfolio", ["list": LeafData.array([])]), ("missingPortfolio", [:]), ("portfolioTag", ["list": .string("x")]),
                       ("portfolioTag", ["list": .array([.dictionary(["href": .string("/k"), "name": .string("uten celler")])])]),
                       ("portfolioTag", ["list": .array([.dictionary(["href": .string("/k"), "name": .string("celle uten tekst"), "cells": .array([.dictionary(["nowrap": .bool(true)])])])])])],
                      naming: "#portfolioRows")
    }

    @Test("#qualityRows writes what the quality page's loop wrote: every text escaped, the cells as #cells writes them")
    func qualityRowsSameAsTheLoop() throws {
        let hostile = #"<script>alert("x")</script> & O'Brien"#
        let rows: [QualityController.Row] = [
            .init(id: "T1.2a", text: "Første samtale innen to uker", cells: [QualityController.cell(3, 4), QualityController.cell(1, 1), QualityController.cell(0, 0)]),
            .init(id: hostile, text: hostile, cells: [TableCell(text: hostile, nowrap: true), TableCell(text: "")]),
            .init(id: "", text: "", cells: []),
        ]
        let context: [String: LeafData] = ["list": .array(rows.map(\.leafData))]
        let fromTag = try render("qualityTag", context)
        #expect(fromTag == (try render("qualityLoop", context)))
        #expect(fromTag.contains(#"<tr><th scope="row"><strong>T1.2a</strong> Første samtale innen to uker</th><td class="nowrap">3/4 (75 %)</td><td class="nowrap">1/1 (100 %)</td><td class="nowrap">–</td></tr>"# + "\n"))
        #expect(!fromTag.contains("<script>"))
        #expect(try render("qualityTag", ["list": .array([])]) == "<tbody></tbody>")
        expectRefused([("badQuality", ["list": LeafData.array([])]), ("missingQuality", [:]), ("qualityTag", ["list": .string("x")]),
                       ("qualityTag", ["list": .array([.dictionary(["id": .string("K1"), "text": .string("uten celler")])])]),
                       ("qualityTag", ["list": .array([.dictionary(["id": .string("K1"), "text": .string("celle uten tekst"), "cells": .array([.dictionary(["nowrap": .bool(true)])])])])])],
                      naming: "#qualityRows")
    }
}
