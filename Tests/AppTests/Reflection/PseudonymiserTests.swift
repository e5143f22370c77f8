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

    @Test("Numbers typed with hyphens, full stops and split groups: 010190-12345, 010190 123 45, 912-34-567, 912.34.567")
    func separators() {
        let none = Pseudonymiser.patternsOnly
        for fnr in ["010190-12345", "010190 123 45", "010190.12345", "010190\u{00A0}12345", "010190-123-45", "01019012345"] {
            #expect(none.pseudonymise("fnr \(fnr).") == "fnr [fødselsnummer].", "fnr \(fnr)")
            #expect(none.findings(in: "fnr \(fnr)") == [.nationalID], "fnr \(fnr)")
        }
        for phone in ["912-34-567", "912.34.567", "912 34 567", "91-23-45-67", "91.23.45.67", "912 345 67", "4123 4567", "+47 912-34-567", "0047 91234567", "+47912.34.567"] {
            #expect(none.pseudonymise("ring \(phone) i dag") == "ring [telefon] i dag", "phone \(phone)")
            #expect(none.findings(in: "ring \(phone)") == [.phone], "phone \(phone)")
        }
        for orgnr in ["974-760-673", "974.760.673", "974 760 673"] {
            #expect(none.pseudonymise("orgnr \(orgnr)") == "orgnr [org.nr.]", "orgnr \(orgnr)")
            #expect(none.findings(in: "orgnr \(orgnr)") == [.orgNumber], "orgnr \(orgnr)")
        }
        // Times, years, dates and amounts are not numbers of people.
        for text in ["Vakt kl. 08.00-16.00 og 10.00 - 14.00.", "Fra 2024-2025 og 1990-2000.", "Startet 12.03.2024, 1.1.2025.", "37,5 timer, 12 500 kroner."] {
            #expect(none.pseudonymise(text) == text, "\(text)")
            #expect(none.findings(in: text).isEmpty, "\(text)")
        }
    }

    @Test("The pathway's own numbers are matched by their digits, in any grouping the patterns do not know")
    func storedNumbersByDigits() {
        // Stored "+47 912 34 567", "01019912345" and "974760673"; typed in shapes no pattern has.
        #expect(p.pseudonymise("tlf 91 234 567.") == "tlf [telefon].")
        #expect(p.pseudonymise("tlf +47 9123-4567.") == "tlf [telefon].")
        #expect(p.pseudonymise("fnr 0101 99 12345.") == "fnr [fødselsnummer].")
        #expect(p.pseudonymise("orgnr 9747 60673.") == "orgnr [org.nr.].")
        #expect(p.findings(in: "tlf 91 234 567") == [.phone])
        #expect(p.findings(in: "fnr 0101 99 12345") == [.nationalID])
        #expect(p.findings(in: "orgnr 9747 60673") == [.orgNumber])
        // A stored number written with hyphens matches the text without them, and the reverse.
        let hyphened = Pseudonymiser(.init(candidateFirstName: "Ola", candidateLastName: "Nordmann", nationalID: "010199-12345", candidatePhones: ["912-34-567"]))
        #expect(hyphened.pseudonymise("01019912345 / 91 2345 67") == "[fødselsnummer] / [telefon]")
        #expect(hyphened.findings(in: "91 2345 67") == [.phone])
        // Other digits around are no match.
        #expect(p.findings(in: "ref 191234567") == [.orgNumber])
        #expect(!p.findings(in: "ref 1 91 234 5678").contains(.phone))
    }

    @Test("Name spellings: any apostrophe, NFD text, legal forms A/S and AS, the last two words of an employer's name")
    func spellings() {
        let ids = Pseudonymiser.Identifiers(candidateFirstName: "Åse", candidateLastName: "O'Brien", mentorNames: ["Siobhán O’Neill"],
                                            employerNames: ["Bakeriet Solstråle A/S", "Coop Obs Lade", "Fjord Bygg A.S."])
        let q = Pseudonymiser(ids)
        for name in ["O'Brien", "O’Brien", "O´Brien", "O`Brien", "o’brien"] {
            #expect(q.pseudonymise("\(name) kom.") == "Kandidaten kom.", "\(name)")
            #expect(q.findings(in: "Hei \(name)") == [.candidateName], "\(name)")
        }
        #expect(q.pseudonymise("Vi ringte O'Neills kontor.") == "Vi ringte mentorens kontor.")
        // NFD: the text's "A" + ring matches "Å"; the rest of the text is left exactly as it was.
        let nfd = "A\u{030A}se og ga\u{030A}rden"
        let cleaned = q.pseudonymise(nfd)
        #expect(Array(cleaned.unicodeScalars) == Array("Kandidaten og ga\u{030A}rden".unicodeScalars), "\(Array(cleaned.unicodeScalars))")
        #expect(q.findings(in: "Hei A\u{030A}se") == [.candidateName])
        #expect(q.findings(in: "Hei Ase") == [])
        let storedNFD = Pseudonymiser(.init(candidateFirstName: "A\u{030A}se", candidateLastName: "Dahl"))
        #expect(storedNFD.pseudonymise("Åse kom.") == "Kandidaten kom.")
        #expect(storedNFD.pseudonymise("Siobha\u{0301}n") == "Siobha\u{0301}n")
        // "A/S" and "A.S." are legal forms: the bare name is a term, and another spelling of the form goes with it.
        #expect(q.pseudonymise("Hun jobber hos Bakeriet Solstråle.") == "Hun jobber hos arbeidsgiveren.")
        #expect(q.pseudonymise("Bakeriet Solstråle AS og Bakeriet Solstråle A/S.") == "Arbeidsgiveren og arbeidsgiveren.")
        #expect(q.pseudonymise("Bakeriet Solstråle sa ja.") == "Arbeidsgiveren sa ja.")
        #expect(q.pseudonymise("Fjord Bygg har plass.") == "Arbeidsgiveren har plass.")
        #expect(q.findings(in: "Fjord Bygg") == [.employerName])
        // "Obs Lade" for "Coop Obs Lade": the last two words together.
        #expect(q.pseudonymise("Praksis på Obs Lade.") == "Praksis på arbeidsgiveren.")
        #expect(q.findings(in: "obs lade") == [.employerName])
        // No pair of a business word or a small word.
        let cafe = Pseudonymiser(.init(employerNames: ["Fjordkanten Kafé og Bakeri"]))
        #expect(cafe.pseudonymise("Hun liker kafé og bakeri.") == "Hun liker kafé og bakeri.")
        #expect(cafe.pseudonymise("Fjordkanten Kafé og Bakeri") == "Arbeidsgiveren")
        let legal = Pseudonymiser(.init(employerNames: ["Nordlys Transport ASA"]))
        #expect(legal.pseudonymise("Nordlys Transport ringte.") == "Arbeidsgiveren ringte.")
    }

    @Test("A long note is cleaned before it is cut: a name at the cut goes whole, not half")
    func cutAfterCleaning() {
        let filler = String(repeating: "x", count: CasePresentationDraft.maxNoteLength - 10) + " "
        let note = filler + "Sigrun Haugland kom innom."
        #expect(note.count > CasePresentationDraft.maxNoteLength)
        let source = CaseSource(
            nationalID: "123", innsatsgruppe: .spesieltTilpasset, strengths: nil, challenges: nil, supportNeeds: nil, referralDate: Date(timeIntervalSince1970: 0),
            stepName: "Trinn", events: [], agreements: [], mentorLinked: false, mentorHundredthHours: 0, goals: [],
            notes: [.init(label: "Kontakt", at: Date(timeIntervalSince1970: 100), text: note)], criteria: [], identifiers: Self.ids
        )
        let draft = CasePresentationDraft.build(pathway: source, now: Date(timeIntervalSince1970: 1_000_000), t: { key, args in ([key] + args).joined(separator: " ") })
        let line = draft.tried.split(separator: "\n").first { $0.hasPrefix("– Kontakt:") }.map(String.init)
        #expect(line == "– Kontakt: \(filler)mentoren …", "\(line?.suffix(30) ?? "no note")")
        #expect(!draft.tried.contains(" Ha") && !draft.tried.contains("Sigrun"))
        #expect(draft.removed == [.mentorName])
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
