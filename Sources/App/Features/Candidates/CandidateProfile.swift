/// The closed lists on a candidate's record. Stored as their raw strings.
public enum Innsatsgruppe: String, Codable, Sendable, CaseIterable {
    case standard
    case situasjonsbestemt
    case spesieltTilpasset = "spesielt_tilpasset"
    case varigTilpasset = "varig_tilpasset"

    public var labelKey: String { "innsatsgruppe.\(rawValue)" }
}

public enum MainBenefit: String, Codable, Sendable, CaseIterable {
    case aap
    case dagpenger
    case tiltakspenger
    case sosialstonad
    case kvalifiseringsstonad
    case uforetrygd
    case ingen

    public var labelKey: String { "benefit.\(rawValue)" }
}

/// Norwegian language level (CEFR), or Norwegian as mother tongue.
public enum NorwegianLevel: String, Codable, Sendable, CaseIterable {
    case a1 = "A1", a2 = "A2", b1 = "B1", b2 = "B2", c1 = "C1", c2 = "C2"
    case morsmal

    public var labelKey: String { "norwegian.\(rawValue.lowercased())" }
}
