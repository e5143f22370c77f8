import Vapor

// The API's candidate shapes; each mirrors a schema in openapi.yaml. The full national ID number
// is accepted in request bodies only and never appears in a response.

// MARK: - Responses

/// The responsible counselor, as the API names a person: id and display name.
struct CounselorDTO: Content, Equatable {
    var id: UUID
    var displayName: String

    /// Written by hand (`JSONText`) for the lists: the same JSON as the encoder's.
    func write(to object: inout JSONText) {
        object.uuid("id", id)
        object.string("displayName", displayName)
    }
}

/// A candidate as lists show them.
struct CandidateDTO: Content {
    var id: UUID
    var fnrMasked: String
    var name: String
    var firstName: String
    var lastName: String
    var officeEnhet: String
    var counselor: CounselorDTO
    var innsatsgruppe: Innsatsgruppe
    var mainBenefit: MainBenefit
    var hybrid: Bool
    /// The day close follow-up started, `yyyy-MM-dd`.
    var hybridSince: String?
    var lastContactAt: Date?
    var nextMeetingAt: Date?
    /// Something for this candidate is overdue.
    var needsAction: Bool
    var createdAt: Date

    init(_ candidate: Candidate, officeEnhet: String, counselor: CounselorDTO, needsAction: Bool) {
        id = candidate.id!
        fnrMasked = candidate.fnrMasked
        name = candidate.fullName
        firstName = candidate.firstName
        lastName = candidate.lastName
        self.officeEnhet = officeEnhet
        self.counselor = counselor
        innsatsgruppe = candidate.innsatsgruppe
        mainBenefit = candidate.mainBenefit
        hybrid = candidate.isHybrid
        hybridSince = candidate.hybridSince.map(DisplayDate.dayInput)
        lastContactAt = candidate.lastContactAt
        nextMeetingAt = candidate.nextMeetingAt
        self.needsAction = needsAction
        createdAt = candidate.createdAt
    }

    /// From a portfolio row; the same fields as from the model.
    init(_ row: PortfolioQuery.Row, officeEnhet: String, counselor: CounselorDTO) throws {
        guard let innsatsgruppe = Innsatsgruppe(rawValue: row.innsatsgruppe), let mainBenefit = MainBenefit(rawValue: row.main_benefit) else {
            throw Abort(.internalServerError, reason: "candidate \(row.id) has an unknown innsatsgruppe or main benefit")
        }
        id = row.id
        fnrMasked = NationalID.mask(row.fnr)
        name = "\(row.first_name) \(row.last_name)"
        firstName = row.first_name
        lastName = row.last_name
        self.officeEnhet = officeEnhet
        self.counselor = counselor
        self.innsatsgruppe = innsatsgruppe
        self.mainBenefit = mainBenefit
        hybrid = row.is_hybrid
        hybridSince = row.hybrid_since.map(DisplayDate.dayInput)
        lastContactAt = row.last_contact_at
        nextMeetingAt = row.next_meeting_at
        needsAction = row.needs_action == 1
        createdAt = row.created_at
    }
}

extension CandidateDTO {
    /// Written by hand (`JSONText`) for the lists: the same JSON as the encoder's.
    func write(to object: inout JSONText) {
        object.uuid("id", id)
        object.string("fnrMasked", fnrMasked)
        object.string("name", name)
        object.string("firstName", firstName)
        object.string("lastName", lastName)
        object.string("officeEnhet", officeEnhet)
        object.object("counselor", counselor.write)
        object.string("innsatsgruppe", innsatsgruppe.rawValue)
        object.string("mainBenefit", mainBenefit.rawValue)
        object.bool("hybrid", hybrid)
        object.string("hybridSince", hybridSince)
        object.date("lastContactAt", lastContactAt)
        object.date("nextMeetingAt", nextMeetingAt)
        object.bool("needsAction", needsAction)
        object.date("createdAt", createdAt)
    }
}

/// The profile part of a candidate's record. Strengths come before challenges, as on the page.
struct CandidateProfileDTO: Content {
    var phone: String?
    var email: String?
    var municipality: String?
    var wishes: String?
    var wishedWork: String?
    var strengths: String?
    var challenges: String?
    var supportNeeds: String?
    var education: String?
    var workExperience: String?
    var norwegianLevel: NorwegianLevel?
    var counselorChanges: Int
    var updatedAt: Date?

    init(_ candidate: Candidate) {
        phone = candidate.phone
        email = candidate.email
        municipality = candidate.municipality
        wishes = candidate.wishes
        wishedWork = candidate.wishedWork
        strengths = candidate.strengths
        challenges = candidate.challenges
        supportNeeds = candidate.supportNeeds
        education = candidate.education
        workExperience = candidate.workExperience
        norwegianLevel = candidate.norwegianLevel
        counselorChanges = candidate.counselorChanges
        updatedAt = candidate.updatedAt
    }
}

/// One candidate's record: the list fields and the profile, flat in one JSON object.
@dynamicMemberLookup
struct CandidateDetailDTO: Content {
    var summary: CandidateDTO
    var profile: CandidateProfileDTO

    init(summary: CandidateDTO, profile: CandidateProfileDTO) {
        self.summary = summary
        self.profile = profile
    }

    init(from decoder: any Decoder) throws {
        summary = try CandidateDTO(from: decoder)
        profile = try CandidateProfileDTO(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        try profile.encode(to: encoder)
    }

    subscript<T>(dynamicMember keyPath: KeyPath<CandidateDTO, T>) -> T { summary[keyPath: keyPath] }
    subscript<T>(dynamicMember keyPath: KeyPath<CandidateProfileDTO, T>) -> T { profile[keyPath: keyPath] }

    /// Written with its keys in declaration order, so whoever reads the raw record meets the
    /// candidate's strengths before their challenges (JSONEncoder's key order is unspecified).
    func encodeResponse(for request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try OrderedJSON.object(summary, profile)))
    }
}

/// One JSON object from the stored properties of `parts`, keys in declaration order; nil values
/// are left out, as JSONEncoder does. Nested values are encoded by JSONEncoder.
enum OrderedJSON {
    static func object(_ parts: any Encodable...) throws -> Data {
        let encoder = JSONEncoder.custom(dates: .iso8601)
        var members: [String] = []
        for part in parts {
            for child in Mirror(reflecting: part).children {
                guard let key = child.label, let value = child.value as? any Encodable else { continue }
                let mirror = Mirror(reflecting: value)
                if mirror.displayStyle == .optional && mirror.children.isEmpty { continue }
                let name = String(decoding: try encoder.encode(key), as: UTF8.self)
                members.append(name + ":" + String(decoding: try encoder.encode(value), as: UTF8.self))
            }
        }
        return Data(("{" + members.joined(separator: ",") + "}").utf8)
    }
}

struct CandidateListDTO: Content {
    var items: [CandidateDTO]
    var total: Int
    var page: Int
    var pageSize: Int

    /// Written by hand (`JSONText`): the same JSON as the encoder's, at a fraction of its cost.
    var jsonText: String {
        var object = JSONText(capacity: 600 * items.count + 100)
        object.array("items", items) { $0.write(to: &$1) }
        object.int("total", total)
        object.int("page", page)
        object.int("pageSize", pageSize)
        return object.close()
    }

    func encodeResponse(for request: Request) async throws -> Response {
        JSONText.response(jsonText)
    }
}

/// The caller's portfolio: every quick filter's count and one page of the chosen filter.
struct PortfolioDTO: Content {
    /// Keyed by the filter's value in `?filter=` (`alle`, `hybrid`, `innsats-standard` …).
    var counts: [String: Int]
    var filter: String
    var sort: String
    var q: String?
    var total: Int
    var page: Int
    var pageSize: Int
    var items: [CandidateDTO]

    /// Written by hand (`JSONText`): the same JSON as the encoder's, at a fraction of its cost.
    var jsonText: String {
        var object = JSONText(capacity: 600 * items.count + 600)
        object.counts("counts", counts)
        object.string("filter", filter)
        object.string("sort", sort)
        object.string("q", q)
        object.int("total", total)
        object.int("page", page)
        object.int("pageSize", pageSize)
        object.array("items", items) { $0.write(to: &$1) }
        return object.close()
    }

    func encodeResponse(for request: Request) async throws -> Response {
        JSONText.response(jsonText)
    }
}

struct ConsentDTO: Content {
    var id: UUID
    var item: DisclosureItem
    var party: DisclosureParty
    /// `yyyy-MM-dd`
    var givenOn: String
    /// Last day it holds, `yyyy-MM-dd`; absent = until withdrawn.
    var expiresOn: String?
    var withdrawnAt: Date?
    var form: ConsentForm
    var note: String?
    /// Display name of who recorded it.
    var recordedBy: String
    var recordedAt: Date
    /// Whether it lets the item be shared right now.
    var active: Bool

    init(_ consent: CandidateConsent, recordedBy: String, now: Date) {
        id = consent.id!
        item = consent.item
        party = consent.party
        givenOn = DisplayDate.dayInput(consent.givenOn)
        expiresOn = consent.expiresOn.map(DisplayDate.dayInput)
        withdrawnAt = consent.withdrawnAt
        form = consent.form
        note = consent.note
        self.recordedBy = recordedBy
        recordedAt = consent.recordedAt
        active = consent.terms.holds(at: now)
    }
}

struct ConsentListDTO: Content {
    var items: [ConsentDTO]
}

struct AccessGrantDTO: Content {
    var candidateId: UUID
    var expiresAt: Date
}

struct AccessRequestedDTO: Content {
    var status: String
}

/// The leader's office overview: counts per counselor, never a candidate's name.
struct OfficeOverviewDTO: Content {
    struct Counselor: Content {
        var id: UUID
        var displayName: String
        var isCounselor: Bool
        var portfolio: Int
        var hybrid: Int
        /// Premise 1 against the office's range: `none`, `below`, `ok`, `above`; absent for non-counselors.
        var hybridFlag: String?
        var needsAction: Int
        var lastContactAt: Date?
        var lastLoginAt: Date?
        /// Candidates handed over to this person in the last year.
        var handoversIn: Int
    }

    var office: OfficeDTO
    var hybridMin: Int
    var hybridMax: Int
    var counselors: [Counselor]
}

// MARK: - Requests


struct ReasonInput: Content {
    var reason: String?
}

struct FnrSearchInput: Content {
    var fnr: String?
}

struct AccessRequestInput: Content {
    var fnr: String?
    var reason: String?
}

struct NewConsentInput: Content {
    var items: [String]?
    var party: String?
    var givenOn: String?
    var expiresOn: String?
    var form: String?
    var note: String?

    var draft: ConsentDraft {
        ConsentDraft(items: items ?? [], party: party ?? "", givenOn: givenOn ?? "", expiresOn: expiresOn ?? "", form: form ?? "", note: note ?? "")
    }
}

struct HybridInput: Content {
    enum Action: String, Codable {
        case start, end
    }

    var action: String?
    /// `yyyy-MM-dd`; today when absent.
    var date: String?
    var reason: String?
}

struct HandoverInput: Content {
    var counselorId: UUID?
    var situation: String?
    var agreements: String?
    var mentor: String?
    var nextMeeting: String?
    var promised: String?

    var note: CandidateService.HandoverNote {
        .init(situation: situation ?? "", agreements: agreements ?? "", mentor: mentor ?? "", nextMeeting: nextMeeting ?? "", promised: promised ?? "")
    }
}
