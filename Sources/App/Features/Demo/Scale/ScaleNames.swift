/// Clearly synthetic names and texts for the scale data.
enum ScaleNames {
    static let first = ["Kari", "Ola", "Ingrid", "Lars", "Sofie", "Ahmed", "Maja", "Jonas", "Fatima", "Nora", "Emil", "Aisha", "Sander",
                        "Hanne", "Piotr", "Eva", "Tobias", "Amina", "Sigrid", "Mohammed", "Ida", "Henrik", "Leyla", "Marius", "Tone",
                        "Yusuf", "Astrid", "Kristian", "Zainab", "Johanne", "Bjørn", "Åse", "Øystein", "Solveig", "Daniel", "Mari"]
    static let last = ["Skalaberg", "Prøvestad", "Testvik", "Eksempelsen", "Fiktivdal", "Demoholm", "Lagerlund", "Syntesen", "Modellås",
                       "Tallberg", "Rekkevik", "Mønsterud", "Utvalgsen", "Radmo", "Stikkøy", "Bølgeland", "Kjedebø", "Nivåsen"]
    static let municipalities = ["Bodø", "Tromsø", "Kristiansand", "Drammen", "Hamar", "Molde", "Skien", "Ålesund", "Gjøvik", "Narvik",
                                 "Harstad", "Steinkjer", "Arendal", "Halden", "Lillehammer", "Førde", "Alta", "Mo i Rana", "Kongsberg", "Sandnessjøen"]
    static let industries: [(Industry, String)] = [
        (.g, "Handel"), (.i, "Kafé"), (.q, "Omsorg"), (.f, "Bygg"), (.c, "Verksted"), (.h, "Lager"), (.n, "Renhold"), (.p, "Barnehage"),
        (.a, "Gartneri"), (.s, "Service"),
    ]
    static let referrers = ["Henvist av veileder", "Henvist fra fastlege", "Egen henvendelse", "Henvist fra kommunen", "Henvist fra helseforetaket"]
    static let candidateNotes = ["Samtale om hvordan det går, og hva som er neste steg.", "Kort telefon: avtalt å ses neste uke.",
                                 "Snakket om ønsker for arbeid og hva som er viktig nå.", "Fulgt opp etter forrige møte; alt går etter planen."]
    static let mentorNotes = ["Mentor forteller at det går bra; ønsker en samtale om oppgavene.", "Mentor melder om god fremgang og jevnt oppmøte.",
                              "Mentor trenger mer tid til opplæring; vi ser på timene."]
    static let employerNotes = ["Kort prat med leder på arbeidsplassen.", "Leder er fornøyd; vi snakket om veien videre."]
}
