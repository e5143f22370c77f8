import Fluent
import Foundation

/// A mentor: a person at an employer who trains and supports candidates at work.
public final class Mentor: Model, @unchecked Sendable {
    public static let schema = "mentors"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "employer_id") public var employer: Employer
    @Field(key: "name") public var name: String
    @Enum(key: "position") public var position: MentorPosition
    @OptionalField(key: "phone") public var phone: String?
    @OptionalField(key: "email") public var email: String?
    @Field(key: "is_demo") public var isDemo: Bool
    @Field(key: "created_at") public var createdAt: Date
    @OptionalParent(key: "created_by") public var createdBy: User?

    public var properties: [any AnyProperty] {
        [$id, $office, $employer, $name, $position, $phone, $email, $isDemo, $createdAt, $createdBy]
    }

    public init() {}
}

/// A mentor's period on a pathway. A change of mentor ends one period, with its reason, and starts another.
public final class PathwayMentor: Model, @unchecked Sendable {
    public static let schema = "pathway_mentors"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "mentor_id") public var mentor: Mentor
    @Field(key: "from_date") public var fromDate: Date
    @OptionalField(key: "to_date") public var toDate: Date?
    @OptionalField(key: "end_reason") public var endReason: String?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalParent(key: "ended_by") public var endedBy: User?

    public var properties: [any AnyProperty] { [$id, $pathway, $mentor, $fromDate, $toDate, $endReason, $createdAt, $createdBy, $endedBy] }

    public init() {}
}
