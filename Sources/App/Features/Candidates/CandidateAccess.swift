import Fluent
import Foundation
import SQLKit
import Vapor

/// Who may see and change a candidate. A pure rule; `Request.openCandidate` applies it.
///
/// - The responsible counselor works with the candidate directly.
/// - Counselors and leaders at the candidate's office may open the record on need: they give a
///   reason first, which is audited, and get access for a working day — leaders to act on it,
///   colleagues to read it (a change of responsibility goes through a handover).
/// - Someone at another office gets access only through an approved access request (read only).
/// - Everyone else — admins included — is told the candidate does not exist.
public enum CandidateAccess {
    public enum Level: Int, Sendable, Comparable {
        case none = 0, needsReason, read, full

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// How long a stated reason opens a candidate.
    public static let reasonGrantDuration: TimeInterval = 8 * 3600
    /// How long an approved access request lasts.
    public static let requestGrantDuration: TimeInterval = 30 * 86_400

    public static func level(
        principal: Principal, candidateOfficeID: UUID, counselorID: UUID, grantReadOnly: Bool?
    ) -> Level {
        let sameOffice = principal.mayAccess(office: candidateOfficeID, for: .content)
        if principal.userID == counselorID && sameOffice { return .full }
        if let grantReadOnly { return grantReadOnly || !sameOffice ? .read : .full }
        // Market contacts see candidates through the pathways they are linked to (a later feature).
        if sameOffice && principal.hasAny([.veileder, .leder]) { return .needsReason }
        return .none
    }
}

/// A candidate opened for a request, with the access the user has.
struct OpenedCandidate: Sendable {
    let candidate: Candidate
    let level: CandidateAccess.Level

    var id: UUID { candidate.id! }
    var mayChange: Bool { level == .full }
}

extension Request {
    /// Loads the candidate named by the route parameter `candidateID` and applies `CandidateAccess`.
    /// Unknown and not-allowed both give 404, and a refusal is audited as denied. When a reason is
    /// needed first, `CandidateReasonRequired` is thrown for the caller to ask for one.
    func openCandidate(_ parameter: String = "candidateID", needs: CandidateAccess.Level = .read) async throws -> OpenedCandidate {
        guard let id = parameters.get(parameter, as: UUID.self) else { throw Abort(.notFound) }
        return try await openCandidate(id: id, needs: needs)
    }

    func openCandidate(id: UUID, needs: CandidateAccess.Level = .read) async throws -> OpenedCandidate {
        let principal = try requirePrincipal()
        let sql = readDB
        guard let candidate = try await sql.findModel(Candidate.self, id: id) else { throw Abort(.notFound) }
        // The strongest grant that has not expired: full access before read-only.
        let grantReadOnly = try await sql.select().column("read_only").from(CandidateAccessGrant.schema)
            .where("candidate_id", .equal, id)
            .where("user_id", .equal, principal.userID)
            .where("expires_at", .greaterThan, now)
            .orderBy("read_only").limit(1)
            .first()?.decode(column: "read_only", as: Bool.self)
        let level = CandidateAccess.level(
            principal: principal, candidateOfficeID: candidate.$office.id, counselorID: candidate.$counselor.id,
            grantReadOnly: grantReadOnly
        )
        switch level {
        case .none:
            try await audit(AuditEvent(.accessDenied, objectType: AuditObjectType.candidate, objectID: id.uuidString, officeID: candidate.$office.id, outcome: .denied, detail: "ingen tilgang til kandidaten"))
            throw Abort(.notFound)
        case .needsReason:
            throw CandidateReasonRequired(candidate: candidate)
        case .read where needs == .full:
            try await audit(AuditEvent(.accessDenied, objectType: AuditObjectType.candidate, objectID: id.uuidString, officeID: candidate.$office.id, outcome: .denied, detail: "kun lesetilgang"))
            throw ProblemError(.forbidden, key: "candidate.error.read_only")
        default:
            return OpenedCandidate(candidate: candidate, level: level)
        }
    }
}

/// The user may open this candidate after stating why.
struct CandidateReasonRequired: Error {
    let candidate: Candidate
}
