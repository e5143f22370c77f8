import Vapor

/// The API's shapes; each mirrors a schema in openapi.yaml.
struct OfficeDTO: Content {
    var id: UUID
    var enhetNumber: String
    var name: String

    init(_ office: Office) {
        id = office.id!
        enhetNumber = office.enhetNumber
        name = office.name
    }
}

struct MeDTO: Content {
    var id: UUID
    var username: String
    var displayName: String
    var roles: [String]
    var office: OfficeDTO?
    var locale: String
}

struct OfficeListDTO: Content {
    var items: [OfficeDTO]
}
