@testable import App
import FluentKit
import Foundation
import Testing

/// The models list their Fluent properties by hand (`properties`), because FluentKit's default
/// finds them by reflection for every row it decodes. A list that misses a property would silently
/// stop reading and writing that column, so every list is checked against reflection here.
@Suite("Model property lists")
struct ModelPropertiesTests {
    static let models: [any Model.Type] = [
        APIToken.self, Agreement.self, AgreementVersion.self, AgreementApproval.self, AuditEntry.self, Candidate.self,
        CandidateConsent.self, CounselorAssignment.self, HybridPeriod.self, ActionItem.self, CandidateAccessRequest.self,
        CandidateAccessGrant.self, Employer.self, EmployerContact.self, EmployerStatusChange.self, EmployerNote.self,
        EmployerVisit.self, JobAnalysis.self, EmployerApproach.self, Contact.self, Meeting.self, CalendarFeed.self,
        TrainingGoal.self, TrainingGoalNote.self, LanguagePlan.self, LanguageObservation.self, Alert.self, PlainLanguageTerm.self,
        Mentor.self, PathwayMentor.self, Office.self, Pathway.self, PathwayEvent.self, PathwayTransition.self,
        MethodModelRecord.self, ReflectionGroup.self, ReflectionGroupMember.self, LearningNote.self, CasePresentation.self,
        ReflectionSession.self, ReflectionAgendaItem.self, ReflectionAttendance.self, ReflectionThemeTag.self,
        ReflectionAction.self, ReflectionNote.self, ReflectionNoteParticipant.self, ReflectionNoteVersion.self,
        ReflectionNoteSignoff.self, PremiseCheck.self, PremiseAnswer.self, PathwayResource.self, User.self, UserRole.self,
        UserSession.self, ExternalAccount.self, Invitation.self, DeclarationAcceptance.self, LoginCode.self, MentorHours.self,
        MentorObservation.self, MentorAlarm.self, MeetingConfirmation.self, WorkspaceMessage.self, Gathering.self,
        GatheringInvitation.self,
    ]

    /// The wrappers of one fresh instance, by identity: first as listed, then as reflection finds them.
    private static func compare<M: Model>(_: M.Type) -> (listed: [String], reflected: [String], same: Bool) {
        let model = M()
        let reflected = Mirror(reflecting: model).children.compactMap { child -> (String, ObjectIdentifier)? in
            guard let property = child.value as? any AnyProperty else { return nil }
            return (String(child.label?.dropFirst() ?? "?"), ObjectIdentifier(property as AnyObject))
        }
        let names = Dictionary(reflected.map { ($0.1, $0.0) }, uniquingKeysWith: { first, _ in first })
        let listed = model.properties.map { ObjectIdentifier($0 as AnyObject) }
        return (listed.map { names[$0] ?? "(not a property of this instance)" }, reflected.map(\.0), listed == reflected.map(\.1))
    }

    @Test("Every model lists exactly the property wrappers that reflection finds, in declaration order")
    func listsMatchReflection() {
        for type in Self.models {
            let result = Self.compare(type)
            #expect(result.same, "\(type): listed \(result.listed), declared \(result.reflected)")
        }
    }

    @Test("Every model in Sources/App/Models is checked")
    func everyModelIsChecked() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Sources/App/Models").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        var declared: Set<String> = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("final class ") && line.contains(": Model") {
                guard let name = line.split(separator: "class ").last?.split(separator: ":").first else { continue }
                declared.insert(String(name).trimmingCharacters(in: .whitespaces))
            }
        }
        let checked = Set(Self.models.map { String(describing: $0) })
        #expect(declared.count > 60)
        #expect(declared.subtracting(checked).isEmpty, "not checked: \(declared.subtracting(checked).sorted())")
    }
}
