@testable import App
import Testing

@Suite("Names in Norwegian order: æ, ø and å after z")
struct NorwegianOrderTests {
    @Test("letters whatever their case, æ ø å after z, accented letters with their base letter, ä ö ü with æ ø y")
    func norwegianOrder() {
        let expected = ["aksel", "Anne", "Bjørn", "Émile", "Ola", "ola", "Ünal", "Yngve", "Zakaria", "Ærlig", "Ärnö", "Ömer", "Øystein", "Åse", "Åsmund", "åsmund"]
        // Every order of the input gives the same list: equal keys are ordered by their scalars.
        for input in [expected.reversed(), expected.shuffled(), expected.sorted()] {
            #expect(NorwegianOrder.sorted(input, by: { $0 }) == expected)
        }
        // The items themselves are sorted, by the name taken from each.
        struct Person: Equatable { var name: String; var id: Int }
        let people = [Person(name: "Åse", id: 1), Person(name: "Ærlig", id: 2), Person(name: "Øystein", id: 3), Person(name: "Zakaria", id: 4)]
        #expect(NorwegianOrder.sorted(people, by: \.name).map(\.id) == [4, 2, 3, 1])
        #expect(NorwegianOrder.sorted([String](), by: { $0 }).isEmpty)
        #expect(NorwegianOrder.key("Ås") == NorwegianOrder.key("ås") && NorwegianOrder.key("é") == NorwegianOrder.key("e"))
    }
}
