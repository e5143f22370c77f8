@testable import App
import Testing

@Suite("Names in Norwegian order: æ, ø and å after z")
struct NorwegianOrderTests {
    @Test("letters whatever their case, æ ø å after z, accented letters with their base letter, ä ö ü with æ ø y")
    func norwegianOrder() {
        let expected = ["aksel", "Anne", "Bjørn", "Émile", "Ola", "ola", "Ünal", "Yngve", "Zakaria", "Ærlig", "Ärnö", "Ömer", "Øystein", "Åse", "Åsmund", "åsmund"]
        // Every order of the input gives the same list: equal keys are ordered by their scalars.
        for input in [expected.reversed(), expected.shuffled(), expected.sorted()] {
            #expect(NorwegianOrder.sorted(input) == expected)
        }
        // The items themselves are sorted, by the name taken from each; the same name by the second key.
        struct Person: Equatable { var name: String; var id: String }
        let people = [Person(name: "Åse", id: "1"), Person(name: "Ærlig", id: "2"), Person(name: "Øystein", id: "3"), Person(name: "Zakaria", id: "4"),
                      Person(name: "Åse", id: "0")]
        for input in [people, people.reversed()] {
            #expect(NorwegianOrder.sorted(input, by: \.name, then: \.id).map(\.id) == ["4", "2", "3", "0", "1"])
        }
        #expect(NorwegianOrder.sorted([String]()).isEmpty)
        #expect(NorwegianOrder.key("Ås") == NorwegianOrder.key("ås") && NorwegianOrder.key("é") == NorwegianOrder.key("e"))
    }

    @Test("a name typed with combining accents sorts as the same name typed precomposed; ł, đ, ı and ß with l, d, i and ss")
    func decomposedAndOtherLetters() {
        // "Åse" as A + ring above, "Éva" as E + acute, "Øystein" precomposed (ø has no decomposition).
        let decomposedAse = "A\u{30A}se", decomposedEva = "E\u{301}va"
        #expect(NorwegianOrder.key(decomposedAse) == NorwegianOrder.key("Åse"))
        #expect(NorwegianOrder.key(decomposedEva) == NorwegianOrder.key("Eva"))
        #expect(NorwegianOrder.sorted([decomposedAse, "Øystein", "Zakaria", decomposedEva, "Ewa", "Eirik"]) == ["Eirik", decomposedEva, "Ewa", "Zakaria", "Øystein", decomposedAse])
        #expect(NorwegianOrder.sorted(["Mikkel", "Michał", "Łukasz", "Lars", "Đorđe", "Dag", "Strauß", "Straus", "Stray"]) == ["Dag", "Đorđe", "Lars", "Łukasz", "Michał", "Mikkel", "Straus", "Strauß", "Stray"])
        // İ lowercases to i with a combining dot, which is left out.
        #expect(NorwegianOrder.key("İnci") == NorwegianOrder.key("inci"))
    }

    @Test("the same name typed precomposed and decomposed, with different ids, comes out in one order whatever the input's")
    func equivalentSpellingsInOneOrder() {
        struct Person: Equatable { var name: String; var id: String }
        let people = [Person(name: "Åse", id: "1"), Person(name: "A\u{30A}se", id: "2"), Person(name: "a\u{30A}se", id: "3"), Person(name: "åse", id: "0")]
        let permutations = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1], [0, 2, 1, 3], [3, 1, 2, 0]]
        let results = Set(permutations.map { order in NorwegianOrder.sorted(order.map { people[$0] }, by: \.name, then: \.id).map(\.id) })
        // Precomposed "Åse" first (capital before small), its spellings by id, then "åse" the same way.
        #expect(results == [["1", "2", "0", "3"]], "\(results)")
    }

    @Test("letters with an æ, ø or å under their accent sort as that letter; ð, þ and œ as d, th and oe")
    func accentedNorwegianLetters() {
        #expect(NorwegianOrder.key("\u{1FF}") == NorwegianOrder.key("ø") && NorwegianOrder.key("\u{1FD}") == NorwegianOrder.key("æ"))
        #expect(NorwegianOrder.key("\u{1FB}") == NorwegianOrder.key("å"))
        #expect(NorwegianOrder.sorted(["Þóra", "Tove", "Ðan", "Dag", "Œdipus", "Odd", "Oeyvind"]) == ["Dag", "Ðan", "Odd", "Œdipus", "Oeyvind", "Þóra", "Tove"])
    }
}
