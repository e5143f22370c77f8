@testable import App
import LeafKit
import NIOCore
import NIOPosix
import Testing

@Suite("#options and #cells: a menu's options and a row's cells in one tag")
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

    private func render(_ template: String, _ context: [String: LeafData]) throws -> String {
        let sources = LeafSources()
        try sources.register(using: Templates(texts: [
            "loop": Self.loop, "tag": Self.tag, "bad": "#options(list, list)", "missing": "#options(nothing)",
            "cellLoop": Self.cellLoop, "cellTag": Self.cellTag, "badCells": "#cells(list, list)", "missingCells": "#cells(nothing)",
        ]))
        let renderer = LeafRenderer(
            configuration: LeafConfiguration(rootDirectory: "/"), tags: LeafKit.defaultTags.merging(["options": OptionsTag(), "cells": CellsTag()]) { $1 },
            sources: sources, eventLoop: MultiThreadedEventLoopGroup.singleton.any()
        )
        var buffer = try renderer.render(path: template, context: context).wait()
        return buffer.readString(length: buffer.readableBytes) ?? ""
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
        for (template, context) in [("badCells", ["list": LeafData.array([])]), ("missingCells", [:]), ("cellTag", ["list": .string("x")]),
                                    ("cellTag", ["list": .array([.dictionary(["nowrap": .bool(true)])])])] {
            do {
                _ = try render(template, context)
                Issue.record("\(template) rendered")
            } catch { #expect("\(error)".contains("#cells")) }
        }
    }
}
