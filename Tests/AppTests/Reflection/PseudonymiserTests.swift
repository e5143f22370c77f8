@testable import App
import Foundation
import Testing

@Suite("Pseudonymiser: names, numbers and addresses out of case texts")
struct PseudonymiserTests {
    static let ids = Pseudonymiser.Identifiers(
        candidateFirstName: "Kari Anne", candidateLastName: "Nordmann-Berg", nationalID: "01019912345",
        candidatePhones: ["+47 912 34 567"], candidateEmails: ["kari.anne@example.no"],
        mentorNames: ["Sigrun Haugland"], employerNames: ["Bakeriet Solstråle AS"], orgNumbers: ["974760673"],
        contactNames: ["Torbjørn Lie"]
    )
    let p = Pseudonymiser(PseudonymiserTests.ids)

    @Test("Each role gets its own word; a whole multi-part, hyphenated name becomes one word")
    func roles() {
        #expect(p.pseudonymise("Kari Anne Nordmann-Berg møtte Sigrun Haugland hos Bakeriet Solstråle AS og Torbjørn Lie.")
            == "Kandidaten møtte mentoren hos arbeidsgiveren og kontaktpersonen.")
        #expect(p.pseudonymise("Vi snakket med Kari om vaktene.") == "Vi snakket med kandidaten om vaktene.")
        #expect(p.pseudonymise("Vi snakket med Kari Nordmann-Berg.") == "Vi snakket med kandidaten.")
        #expect(p.pseudonymise("Hun heter Anne Berg.") == "Hun heter kandidaten.")
    }

    @Test("Longer names first: 'Nordmann-Berg' is not half replaced, and parts alone are replaced too")
    func longerFirst() {
        #expect(p.pseudonymise("Nordmann-Berg kom.") == "Kandidaten kom.")
        #expect(p.pseudonymise("fru Nordmann og herr Berg") == "fru kandidaten og herr kandidaten")
        #expect(!p.pseudonymise("Nordmann-Berg").contains("Berg"))
    }

    @Test("Genitive -s: 'Karis' becomes 'kandidatens', 'Sigruns' 'mentorens'")
    func genitive() {
        #expect(p.pseudonymise("Karis mor ringte.") == "Kandidatens mor ringte.")
        #expect(p.pseudonymise("Dette er Sigruns forslag og Kari Anne Nordmann-Bergs ønske.") == "Dette er mentorens forslag og kandidatens ønske.")
        #expect(p.pseudonymise("i Solstråles lokaler") == "i arbeidsgiverens lokaler")
    }

    @Test("Letter case does not matter; æøå count as letters")
    func caseInsensitive() {
        #expect(p.pseudonymise("KARI og sigrun HAUGLAND") == "Kandidaten og mentoren")
        #expect(p.pseudonymise("torbjørn sa ja") == "Kontaktpersonen sa ja")
        // "Solstråle" inside a longer word with æøå around is no match.
        #expect(p.pseudonymise("Solstråleøya") == "Solstråleøya")
    }

    @Test("A name inside a longer word is left alone: 'Ole' in 'Olesen', but 'Oles' is the genitive")
    func substring() {
        let ole = Pseudonymiser(.init(candidateFirstName: "Ole", candidateLastName: "Hansen"))
        #expect(ole.pseudonymise("Ole Olesen var her") == "Kandidaten Olesen var her")
        #expect(ole.pseudonymise("Oles sykkel") == "Kandidatens sykkel")
        #expect(ole.pseudonymise("Ta kontakt med Olesen og Holen.") == "Ta kontakt med Olesen og Holen.")
        #expect(ole.findings(in: "Olesen") == [])
        #expect(ole.findings(in: "Oles") == [.candidateName])
    }

    @Test("National ID numbers, also with a space; phone numbers, also +47; e-mail; org numbers, also spaced")
    func patterns() {
        let none = Pseudonymiser.patternsOnly
        #expect(none.pseudonymise("fnr 01019012345 og 010190 12345") == "fnr [fødselsnummer] og [fødselsnummer]")
        #expect(none.pseudonymise("ring 91234567, 912 34 567, +47 91234567 eller +4791 23 45 67") == "ring [telefon], [telefon], [telefon] eller [telefon]")
        #expect(none.pseudonymise("skriv til ola.nordmann@example.com.") == "skriv til [e-post].")
        #expect(none.pseudonymise("orgnr 974760673 / 974 760 673") == "orgnr [org.nr.] / [org.nr.]")
        #expect(none.pseudonymise("Hun jobber 37,5 timer i uka fra 2024.") == "Hun jobber 37,5 timer i uka fra 2024.")
        #expect(none.findings(in: "ring +47 912 34 567") == [.phone])
        #expect(none.findings(in: "010190 12345") == [.nationalID])
        #expect(none.findings(in: "a@b.no og 974 760 673") == [.email, .orgNumber])
    }

    @Test("The pathway's own values go too: its e-mail with a name in it, the fnr, the phone as stored")
    func literals() {
        #expect(p.pseudonymise("kari.anne@example.no") == "[e-post]")
        #expect(p.pseudonymise("Nummer: 01019912345.") == "Nummer: [fødselsnummer].")
        #expect(p.pseudonymise("tlf +47 912 34 567") == "tlf [telefon]")
    }

    @Test("findings names what remains, and nothing once it is pseudonymised")
    func findings() {
        let text = "Kari Anne og Sigrun var hos Bakeriet Solstråle (974 760 673). Ring Torbjørn på 41 23 45 67, kari.anne@example.no, 010199 12345."
        #expect(p.findings(in: text) == [.candidateName, .mentorName, .employerName, .contactName, .phone, .email, .orgNumber, .nationalID])
        #expect(p.findings(in: p.pseudonymise(text)).isEmpty)
        #expect(p.findings(in: "Kandidaten og mentoren snakket med arbeidsgiveren.").isEmpty)
    }

    @Test("Age bands from the birth date in a fødselsnummer or D-number")
    func ageBands() {
        let now = Date(timeIntervalSince1970: 1_790_000_000) // September 2026
        let born = { (day: Int, month: Int, year: Int, d: Bool) in NationalID.synthetic(day: day, month: month, year: year, individualSeed: 3, dNumber: d) }
        #expect(CasePresentationDraft.age(nationalID: born(1, 1, 1999, false), now: now) == 27)
        #expect(CasePresentationDraft.age(nationalID: born(1, 1, 1999, true), now: now) == 27)
        #expect(CasePresentationDraft.age(nationalID: "123", now: now) == nil)
        #expect(CasePresentationDraft.ageBand(age: 19) == "under 20")
        #expect(CasePresentationDraft.ageBand(age: 20) == "20–24")
        #expect(CasePresentationDraft.ageBand(age: 29) == "25–29")
        #expect(CasePresentationDraft.ageBand(age: 30) == "30–39")
        #expect(CasePresentationDraft.ageBand(age: 59) == "50–59")
        #expect(CasePresentationDraft.ageBand(age: 60) == "60 eller eldre")
        #expect(CasePresentationDraft.weeks(from: now.addingTimeInterval(-(10 * 7 + 3) * 86_400), to: now) == 10)
        #expect(CasePresentationDraft.hours(1250) == "12,5")
        #expect(CasePresentationDraft.hours(300) == "3")
    }
}
