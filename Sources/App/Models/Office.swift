import Fluent
import Foundation

/// A NAV office (enhet). Everything in Samskap is scoped by office.
public final class Office: Model, @unchecked Sendable {
    public static let schema = "offices"

    @ID(key: .id) public var id: UUID?
    /// NAV's four-digit unit number, e.g. "9901".
    @Field(key: "enhet_number") public var enhetNumber: String
    @Field(key: "name") public var name: String
    @Field(key: "is_demo") public var isDemo: Bool
    /// How many candidates in hybrid follow-up each counselor is expected to have (premise 1).
    @Field(key: "hybrid_min") public var hybridMin: Int
    @Field(key: "hybrid_max") public var hybridMax: Int
    /// Days without contact with mentor or employer during a placement before "trenger oppfølging".
    @Field(key: "no_contact_alert_days") public var noContactAlertDays: Int
    /// The office has edited its plain-language word list; until then the default list applies.
    @Field(key: "plain_language_custom") public var plainLanguageCustom: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $enhetNumber, $name, $isDemo, $hybridMin, $hybridMax, $noContactAlertDays, $plainLanguageCustom, $createdAt,
         $updatedAt]
    }

    public init() {}

    public init(id: UUID? = nil, enhetNumber: String, name: String, isDemo: Bool = false) {
        self.id = id
        self.enhetNumber = enhetNumber
        self.name = name
        self.isDemo = isDemo
        self.hybridMin = 2
        self.hybridMax = 5
        self.noContactAlertDays = 30
        self.plainLanguageCustom = false
    }
}
