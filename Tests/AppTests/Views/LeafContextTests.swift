@testable import App
import Foundation
import Leaf
import LeafKit
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import Vapor

/// Templates from memory, and a tag that keeps the context Leaf hands to it.
private struct MemoryTemplates: LeafSource {
    var texts: [String: String]

    func file(template: String, escape: Bool, on eventLoop: any EventLoop) throws -> EventLoopFuture<ByteBuffer> {
        guard let text = texts[template] else { return eventLoop.makeFailedFuture(LeafError(.noTemplateExists(template))) }
        return eventLoop.makeSucceededFuture(ByteBuffer(string: text))
    }
}

private final class CaptureTag: LeafTag, Sendable {
    let captured = NIOLockedValueBox<[String: LeafData]?>(nil)

    func render(_ ctx: LeafContext) throws -> LeafData {
        captured.withLockedValue { $0 = ctx.data }
        return .string("")
    }
}

private func renderer(_ texts: [String: String], tags: [String: any LeafTag], userInfo: [AnyHashable: Any] = [:]) throws -> LeafRenderer {
    let sources = LeafSources()
    try sources.register(using: MemoryTemplates(texts: texts))
    return LeafRenderer(
        configuration: LeafConfiguration(rootDirectory: "/"), tags: LeafKit.defaultTags.merging(tags) { $1 },
        sources: sources, eventLoop: MultiThreadedEventLoopGroup.singleton.any(), userInfo: userInfo
    )
}

private func text(_ buffer: ByteBuffer) -> String {
    var buffer = buffer
    return buffer.readString(length: buffer.readableBytes) ?? ""
}

/// The same data, value for value and kind for kind (LeafData's own `==` also takes 1 and "1" as equal).
private func same(_ a: LeafData, _ b: LeafData) -> Bool {
    guard a.celf == b.celf, a.isNil == b.isNil else { return false }
    if a.isNil { return true }
    switch a.celf {
    case .dictionary:
        guard let x = a.dictionary, let y = b.dictionary, x.keys.sorted() == y.keys.sorted() else { return false }
        return x.allSatisfy { key, value in same(value, y[key]!) }
    case .array:
        guard let x = a.array, let y = b.array, x.count == y.count else { return false }
        return zip(x, y).allSatisfy(same)
    case .string: return a.string == b.string
    case .int: return a.int == b.int
    case .double: return a.double == b.double
    case .bool: return a.bool == b.bool
    case .data: return a.data == b.data
    case .void: return true
    }
}

@Suite("A page's context: our encoder builds the tree Leaf's encoder builds")
struct LeafContextEncoderTests {
    enum Colour: String, Encodable { case red = "rød", blue = "blå" }

    struct Item: Encodable {
        var id: Int
        var label: String
        var note: String?
        var tags: [String]
    }

    struct Empty: Encodable {}

    /// Writes itself with the containers synthesized code never asks for.
    struct Handwritten: Encodable {
        enum Key: String, CodingKey { case first, nested, list, after }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode("først", forKey: .first)
            var nested = container.nestedContainer(keyedBy: Key.self, forKey: .nested)
            try nested.encode(7, forKey: .after)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("a")
            var inner = list.nestedContainer(keyedBy: Key.self)
            try list.encode("c")
            try inner.encode(true, forKey: .first)
            var empty = list.nestedUnkeyedContainer()
            try empty.encode(1)
            let unused = list.superEncoder()
            _ = unused
            try list.encode("d")
            var superContainer = container.superEncoder().singleValueContainer()
            try superContainer.encode(2.5)
        }
    }

    struct Context: Encodable {
        var text = #"<b>"Å'&</b>"#
        var empty = ""
        var missing: String? = nil
        var present: String? = "her"
        var whole = 42
        var negative = -7
        var small: Int8 = 3
        var unsigned: UInt32 = 9
        var yes = true
        var no = false
        var fraction = 1.25
        var single: Float = 0.5
        var id = UUID(uuidString: "9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20")!
        var date = Date(timeIntervalSince1970: 1_790_000_000)
        var colour = Colour.blue
        var colours: [Colour] = [.red, .blue]
        var items: [Item] = [
            Item(id: 1, label: "Første", note: nil, tags: []),
            Item(id: 2, label: "Andre & <tredje>", note: "notat", tags: ["a", "b"]),
        ]
        var none: [Item] = []
        var numbers: [Int?] = [1, nil, 3]
        var byField = ["type": "Velg en type", "note": "For lang"]
        var grouped: [String: [Item]] = ["g": [Item(id: 3, label: "x", note: nil, tags: ["t"])]]
        var nothing = Empty()
        var maybeItem: Item? = Item(id: 4, label: "valgfri", note: "n", tags: [])
        var noItem: Item? = nil
        var cell = TableCell(text: "celle", nowrap: true)
        var cells = [TableCell(text: "a"), TableCell(text: "b", nowrap: true)]
        var handwritten = Handwritten()
        var page = Page(
            layout: LayoutContext(
                lang: "nb", title: "Tittel", csrfToken: "tok", user: .init(displayName: "Kari", officeName: nil, roles: "Veileder"),
                nav: [.init(href: "/", label: "Start", current: true)], isDemo: false, flash: nil
            ),
            content: ["a": 1]
        )
    }

    @Test("every kind of value a view model holds: text, numbers, Booleans, optionals, lists, dictionaries, ids, dates, enums, nested and handwritten containers")
    func sameTree() throws {
        let capture = CaptureTag()
        let leaf = try renderer(["capture": "#capture()"], tags: ["capture": capture])
        _ = try leaf.render(path: "capture", context: Context()).wait()
        let fromLeaf = try #require(capture.captured.withLockedValue { $0 })
        let ours = try LeafContextEncoder.encode(Context())
        #expect(same(.dictionary(ours), .dictionary(fromLeaf)))
        // Not two empty trees that agree: the tree holds what the context holds.
        #expect(ours["text"]?.string == #"<b>"Å'&</b>"#)
        #expect(ours["missing"] == nil && ours["noItem"] == nil)
        #expect(ours["items"]?.array?.count == 2)
        #expect(ours["items"]?.array?[1].dictionary?["tags"]?.array?.count == 2)
        #expect(ours["id"]?.string == "9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20")
        #expect(ours["colour"]?.string == "blå")
        #expect(ours["date"]?.double == 1_790_000_000)
        #expect(ours["nothing"]?.dictionary?.isEmpty == true)
        #expect(ours["cell"]?.dictionary?["nowrap"]?.bool == true)
        #expect(ours["numbers"]?.array?.count == 2)
        #expect(ours["page"]?.dictionary?["layout"]?.dictionary?["user"]?.dictionary?["displayName"]?.string == "Kari")
        let handwritten = try #require(ours["handwritten"]?.dictionary)
        #expect(handwritten["list"]?.array?.map(\.celf) == [.string, .dictionary, .string, .array, .string])
        #expect(handwritten["super"]?.double == 2.5)
    }

    /// The same fields as `FormView.Option`, without its `leafData`.
    struct PlainOption: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    @Test("a menu option handed over as built is what its fields would have encoded to")
    func optionAsBuilt() throws {
        for (value, label, selected) in [("a", "Første <valg>", true), ("", "", false)] {
            let built = try LeafContextEncoder.encode(["option": FormView.Option(value: value, label: label, selected: selected)])
            let encoded = try LeafContextEncoder.encode(["option": PlainOption(value: value, label: label, selected: selected)])
            #expect(same(.dictionary(built), .dictionary(encoded)))
            #expect(built["option"]?.dictionary?["label"]?.string == label)
        }
    }

    @Test("a template renders the same page from either tree")
    func sameOutput() throws {
        let template = ##"""
        #(text)|#(whole)|#(fraction)|#(yes)|#(id)|#(colour)|#if(present):#(present)#endif|#if(missing):x#else:-#endif
        #for(item in items):<li>#(item.id) #(item.label)#if(item.note): (#(item.note))#endif #(count(item.tags))</li>#endfor
        #(byField.type)|#(page.layout.title)|#(cell.text)|#(count(none))
        """##
        let leaf = try renderer(["page": template], tags: [:])
        let fromLeaf = text(try leaf.render(path: "page", context: Context()).wait())
        let ours = text(try leaf.render(path: "page", context: try LeafContextEncoder.encode(Context())).wait())
        #expect(ours == fromLeaf)
        #expect(ours.contains("&lt;b&gt;&quot;Å&#39;&amp;&lt;/b&gt;|42|1.25|yes|9F1C0B86-1D43-4D43-9B27-3C8E0D7C1A20|blå|her|-"))
        #expect(ours.contains("<li>2 Andre &amp; &lt;tredje&gt; (notat) 2</li>"))
    }

    @Test("a context that is a list or a single value is refused, as Leaf refuses it")
    func refusesNonStructures() throws {
        #expect(throws: TemplateError.self) { try LeafContextEncoder.encode([1, 2]) }
        #expect(throws: TemplateError.self) { try LeafContextEncoder.encode("tekst") }
        #expect(try LeafContextEncoder.encode(Optional<Int>.none).isEmpty)
    }
}

@Suite("#t: the text in the user's language, escaped as #(…) escapes it")
struct TranslateTagTests {
    @Test("keys with and without arguments, hostile text in the arguments, numbers as arguments")
    func escapesAsLeafDoes() async throws {
        try await withTestApp(demo: false) { test in
            let request = Request(application: test.app, on: test.app.eventLoopGroup.any())
            let leaf = try renderer(
                [
                    "tag": ##"#t("pathway.heading", name)|#t("pathway.criteria.heading")|#t("reflection.pathway.resources_summary", n)|#t("no.such.key")"##,
                    "plain": "#(a)|#(b)|#(c)|#(d)",
                ],
                tags: ["t": TranslateTag()], userInfo: ["request": request]
            )
            for name in [#"<script>alert("x")</script>"#, "O'Brien & Co", "Åse Ølstad", "{0}", ""] {
                let fromTag = text(try await leaf.render(path: "tag", context: ["name": .string(name), "n": .int(3)]).get())
                let plain = text(try await leaf.render(path: "plain", context: [
                    "a": .string(request.t("pathway.heading", name)), "b": .string(request.t("pathway.criteria.heading")),
                    "c": .string(request.t("reflection.pathway.resources_summary", "3")), "d": .string("no.such.key"),
                ]).get())
                #expect(fromTag == plain)
                #expect(!fromTag.contains("<script>"))
            }
            // A page hands #t its language's texts; they come before the request's.
            let english = try renderer(
                ["tag": ##"#t("pathway.heading", name)"##], tags: ["t": TranslateTag()],
                userInfo: ["request": request, PageTexts.userInfoKey: PageTexts(strings: test.app.samskap.strings, locale: "en")]
            )
            #expect(text(try await english.render(path: "tag", context: ["name": .string("Å & <b>")]).get()) == "Inclusion pathway: Å &amp; &lt;b&gt;")
            #expect(PageTexts(strings: test.app.samskap.strings, locale: "nb").text("pathway.heading", ["x"]) == request.t("pathway.heading", "x"))
            let hostile = text(try await leaf.render(path: "tag", context: ["name": .string("<i>&'\""), "n": .int(12)]).get())
            #expect(hostile.hasPrefix("Inkluderingsforløp: &lt;i&gt;&amp;&#39;&quot;|"))
            #expect(hostile.contains("12"))
        }
    }
}
