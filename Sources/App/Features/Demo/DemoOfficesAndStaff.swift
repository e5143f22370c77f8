import Fluent
import Vapor

/// Two demo offices and their staff.
struct DemoOfficesAndStaff: DemoModule {
    var name: String { "kontorer og ansatte" }

    static let offices: [(enhet: String, name: String)] = [
        ("9901", "NAV Demo Nord"),
        ("9902", "NAV Demo Sør"),
    ]

    static let staff: [(username: String, displayName: String, role: Role, office: String?)] = [
        ("admin", "Demo Admin", .admin, nil),
        ("leder1", "Lise Leder", .leder, "9901"),
        ("veileder1", "Vera Veileder", .veileder, "9901"),
        ("veileder2", "Viktor Veileder", .veileder, "9901"),
        ("marked1", "Mona Markedskontakt", .markedskontakt, "9901"),
        ("leder2", "Lars Leder", .leder, "9902"),
        ("veileder3", "Vilde Veileder", .veileder, "9902"),
    ]

    static var logins: [(username: String, description: String)] {
        staff.map { member in
            let office = member.office.flatMap { enhet in offices.first { $0.enhet == enhet } }.map { " – \($0.name) (\($0.enhet))" } ?? ""
            return (member.username, member.role.rawValue + office)
        }
    }

    func seed(_ context: DemoSeeder.Context) async throws {
        let registry = OfficeRegistry(app: context.app, context: .cli)
        for (enhet, name) in Self.offices {
            if let existing = try await Office.query(on: context.db).filter(\.$enhetNumber == enhet).first() {
                context.remember(existing)
            } else {
                context.remember(try await registry.create(enhetNumber: enhet, name: name, isDemo: true, on: context.db))
            }
        }
        for member in Self.staff {
            if try await User.query(on: context.db).filter(\.$username == member.username).first() != nil { continue }
            let officeID = try member.office.map { try context.office($0).requireID() }
            let user = User(
                username: member.username, displayName: member.displayName, officeID: officeID,
                passwordHash: context.passwordHash, mustChangePassword: false, isDemo: true
            )
            try await context.app.write(context: .cli, on: context.db) { tx, audit in
                try await user.create(on: tx)
                try await UserRole(userID: user.requireID(), role: member.role).create(on: tx)
                audit.record(.user(.userCreated, user, detail: "demo; rolle: \(member.role.rawValue)"))
            }
            context.noteCreatedUser(member.username)
        }
    }
}
