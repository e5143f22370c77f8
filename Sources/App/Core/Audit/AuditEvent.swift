import Foundation

/// What happened, before it gets its place in the chain.
public struct AuditEvent: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case allowed, denied
    }

    public var action: AuditAction
    public var objectType: String?
    public var objectID: String?
    public var officeID: UUID?
    public var outcome: Outcome
    public var detail: String?

    public init(
        _ action: AuditAction, objectType: String? = nil, objectID: String? = nil,
        officeID: UUID? = nil, outcome: Outcome = .allowed, detail: String? = nil
    ) {
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.officeID = officeID
        self.outcome = outcome
        self.detail = detail.map { String(Self.redactingNationalIDs($0).prefix(500)) }
    }

    /// Free text (a reason, a search) may hold a national ID number someone typed; the audit trail
    /// keeps the text without it. A run of digits inside a UUID (hex and dashes around it) is not one:
    /// details name records by id, and an id with eleven digits in a row must stay whole.
    static func redactingNationalIDs(_ text: String) -> String {
        // Fewer than eleven digits cannot hold one; most details have none, and the pattern is costly.
        var digits = 0
        for scalar in text.unicodeScalars where scalar.properties.numericType == .decimal {
            digits += 1
            if digits == 11 { break }
        }
        guard digits == 11 else { return text }
        return text.replacingOccurrences(of: #"(?<![0-9A-Fa-f-])\d{6}[ .]?\d{5}(?![0-9A-Fa-f])"#, with: "[fnr fjernet]", options: .regularExpression)
    }

    /// An event about a user account (a person).
    public static func user(_ action: AuditAction, _ user: User, detail: String? = nil, outcome: Outcome = .allowed) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.user, objectID: user.id?.uuidString, officeID: user.$office.id, outcome: outcome, detail: detail)
    }
}

/// The object types that name a person, so the audit page can search "by person".
public enum AuditObjectType {
    public static let user = "user"
    public static let office = "office"
    public static let apiToken = "api_token"
    public static let auditTrail = "audit_trail"
    public static let route = "route"
    public static let candidate = "candidate"
    public static let consent = "consent"
    public static let pathway = "pathway"
    public static let methodModel = "method_model"
    public static let employer = "employer"
    public static let mentor = "mentor"

    public static let persons: Set<String> = [user, candidate]
}

/// Every action the audit trail knows. Stable strings: they are stored and searched.
public struct AuditAction: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let login: AuditAction = "auth.login"
    public static let loginFailed: AuditAction = "auth.login_failed"
    public static let logout: AuditAction = "auth.logout"
    public static let sessionExpired: AuditAction = "auth.session_expired"
    public static let passwordChanged: AuditAction = "auth.password_changed"
    public static let passwordChangeFailed: AuditAction = "auth.password_change_failed"
    public static let tokenRejected: AuditAction = "auth.token_rejected"
    public static let accessDenied: AuditAction = "access.denied"

    public static let userRead: AuditAction = "user.read"
    public static let userList: AuditAction = "user.list"
    public static let userCreated: AuditAction = "user.created"
    public static let userUpdated: AuditAction = "user.updated"
    public static let userDeactivated: AuditAction = "user.deactivated"
    public static let userReactivated: AuditAction = "user.reactivated"
    public static let userPasswordReset: AuditAction = "user.password_reset"
    public static let userPreferencesChanged: AuditAction = "user.preferences_changed"

    public static let officeRead: AuditAction = "office.read"
    public static let officeCreated: AuditAction = "office.created"
    public static let officeUpdated: AuditAction = "office.updated"

    public static let tokenCreated: AuditAction = "api_token.created"
    public static let tokenRevoked: AuditAction = "api_token.revoked"

    public static let candidateCreated: AuditAction = "candidate.created"
    public static let candidateDuplicate: AuditAction = "candidate.duplicate"
    public static let candidateUpdated: AuditAction = "candidate.updated"
    public static let candidateRead: AuditAction = "candidate.read"
    public static let candidateFnrRevealed: AuditAction = "candidate.fnr_revealed"
    public static let candidateAccessReason: AuditAction = "candidate.access_reason"
    public static let candidateAccessRequested: AuditAction = "candidate.access_requested"
    public static let candidateAccessDecided: AuditAction = "candidate.access_decided"
    public static let candidateHybridStarted: AuditAction = "candidate.hybrid_started"
    public static let candidateHybridEnded: AuditAction = "candidate.hybrid_ended"
    public static let candidateHandover: AuditAction = "candidate.handover"
    public static let portfolioRead: AuditAction = "portfolio.read"
    public static let consentRecorded: AuditAction = "consent.recorded"
    public static let consentWithdrawn: AuditAction = "consent.withdrawn"
    public static let officeOverviewRead: AuditAction = "office.overview_read"

    public static let pathwayCreated: AuditAction = "pathway.created"
    public static let pathwayRead: AuditAction = "pathway.read"
    public static let pathwayEventRecorded: AuditAction = "pathway.event_recorded"
    public static let pathwayStepChanged: AuditAction = "pathway.step_changed"
    public static let pathwayStatusChanged: AuditAction = "pathway.status_changed"
    public static let pathwayClosed: AuditAction = "pathway.closed"
    public static let pathwayEventWithdrawn: AuditAction = "pathway.event_withdrawn"
    public static let qualityRead: AuditAction = "quality.read"
    public static let methodModelImported: AuditAction = "method_model.imported"
    public static let dailyJobRun: AuditAction = "system.daily_job"

    public static let employerCreated: AuditAction = "employer.created"
    public static let employerUpdated: AuditAction = "employer.updated"
    public static let employerStatusChanged: AuditAction = "employer.status_changed"
    public static let employerContactAdded: AuditAction = "employer.contact_added"
    public static let employerContactRemoved: AuditAction = "employer.contact_removed"
    public static let employerNoteAdded: AuditAction = "employer.note_added"
    public static let employerVisitRecorded: AuditAction = "employer.visit_recorded"
    public static let jobAnalysisSaved: AuditAction = "employer.job_analysis_saved"
    public static let pathwayUpdated: AuditAction = "pathway.updated"
    public static let mentorCreated: AuditAction = "mentor.created"
    public static let pathwayMentorLinked: AuditAction = "pathway.mentor_linked"
    public static let pathwayMentorEnded: AuditAction = "pathway.mentor_ended"
    public static let employerApproachRecorded: AuditAction = "pathway.employer_approach"
    public static let agreementCreated: AuditAction = "agreement.created"
    public static let agreementRead: AuditAction = "agreement.read"
    public static let agreementUpdated: AuditAction = "agreement.updated"
    public static let agreementApproved: AuditAction = "agreement.approved"
    public static let agreementExtended: AuditAction = "agreement.extended"
    public static let agreementAnnulled: AuditAction = "agreement.annulled"
    public static let contactRecorded: AuditAction = "followup.contact_recorded"
    public static let contactsRead: AuditAction = "followup.contacts_read"
    public static let meetingCreated: AuditAction = "meeting.created"
    public static let meetingRead: AuditAction = "meeting.read"
    public static let meetingUpdated: AuditAction = "meeting.updated"
    public static let meetingMinutesWritten: AuditAction = "meeting.minutes_written"
    public static let meetingCancelled: AuditAction = "meeting.cancelled"
    public static let calendarFeedCreated: AuditAction = "calendar.feed_created"
    public static let calendarFeedRevoked: AuditAction = "calendar.feed_revoked"
    public static let calendarFeedRead: AuditAction = "calendar.feed_read"
    public static let trainingPlanRead: AuditAction = "training_plan.read"
    public static let trainingGoalSaved: AuditAction = "training_plan.goal_saved"
    public static let languagePlanSaved: AuditAction = "training_plan.language_plan_saved"
    public static let languageObservationRecorded: AuditAction = "training_plan.observation_recorded"
    public static let alertsRead: AuditAction = "alert.list_read"
    public static let alertSnoozed: AuditAction = "alert.snoozed"
    public static let plainLanguageUpdated: AuditAction = "office.plain_language_updated"

    public static let auditSearched: AuditAction = "audit.searched"
    public static let backupTaken: AuditAction = "system.backup"
    public static let demoSeeded: AuditAction = "system.demo_seeded"

    /// Every action above; the string tables must name each one.
    public static let all: [AuditAction] = [
        .login, .loginFailed, .logout, .sessionExpired, .passwordChanged, .passwordChangeFailed, .tokenRejected, .accessDenied,
        .userRead, .userList, .userCreated, .userUpdated, .userDeactivated, .userReactivated, .userPasswordReset,
        .userPreferencesChanged, .officeRead, .officeCreated, .officeUpdated, .tokenCreated, .tokenRevoked,
        .candidateCreated, .candidateDuplicate, .candidateUpdated, .candidateRead, .candidateFnrRevealed,
        .candidateAccessReason, .candidateAccessRequested, .candidateAccessDecided, .candidateHybridStarted,
        .candidateHybridEnded, .candidateHandover, .portfolioRead, .consentRecorded, .consentWithdrawn, .officeOverviewRead,
        .pathwayCreated, .pathwayRead, .pathwayEventRecorded, .pathwayStepChanged, .pathwayStatusChanged, .pathwayClosed, .pathwayEventWithdrawn,
        .qualityRead, .methodModelImported, .dailyJobRun,
        .employerCreated, .employerUpdated, .employerStatusChanged, .employerContactAdded, .employerContactRemoved, .employerNoteAdded,
        .employerVisitRecorded, .jobAnalysisSaved, .pathwayUpdated, .mentorCreated, .pathwayMentorLinked, .pathwayMentorEnded, .employerApproachRecorded,
        .agreementCreated, .agreementRead, .agreementUpdated, .agreementApproved, .agreementExtended, .agreementAnnulled,
        .contactRecorded, .contactsRead, .meetingCreated, .meetingRead, .meetingUpdated, .meetingMinutesWritten, .meetingCancelled,
        .calendarFeedCreated, .calendarFeedRevoked, .calendarFeedRead, .trainingPlanRead, .trainingGoalSaved, .languagePlanSaved,
        .languageObservationRecorded, .alertsRead, .alertSnoozed, .plainLanguageUpdated,
        .invitationSent, .invitationAccepted, .invitationRefused, .declarationAccepted, .loginCodeSent,
        .mentorCaseRead, .mentorHoursLogged, .mentorObservationWritten, .mentorAlarmRaised, .mentorAlarmAcknowledged, .meetingConfirmed,
        .employerMessageSent, .employerMeetingConfirmed,
        .auditSearched, .backupTaken, .demoSeeded,
    ] + gatheringActions + reflectionActions

    public var labelKey: String { "audit.action.\(rawValue)" }
}

/// Who did it, and in which request.
public struct AuditContext: Sendable {
    public var actorUserID: UUID?
    public var actorUsername: String?
    public var requestID: String?

    public init(actorUserID: UUID?, actorUsername: String?, requestID: String?) {
        self.actorUserID = actorUserID
        self.actorUsername = actorUsername.map { String($0.prefix(64)) }
        self.requestID = requestID
    }

    public static let cli = AuditContext(actorUserID: nil, actorUsername: "cli", requestID: nil)
}
