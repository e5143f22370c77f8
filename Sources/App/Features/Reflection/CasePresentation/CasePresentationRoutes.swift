import Vapor

/// Pseudonymised case presentations: generated from a pathway, kept as the author's draft,
/// shared with the office once no identifier is left.
enum CasePresentationRoutes {
    static func register(office: some RoutesBuilder, api: some RoutesBuilder) {
        // Office staff; the pathway's access check (write) decides who may generate.
        let pages = CasePresentationController()
        office.get("forlop", ":pathwayID", "case-presentasjon", use: pages.generate)
        office.post("forlop", ":pathwayID", "case-presentasjon", use: pages.create)
        let cases = office.grouped("refleksjon", "case")
        cases.get(use: pages.list)
        cases.get(":presentationID", use: pages.show)
        cases.post(":presentationID", use: pages.update)
        cases.post(":presentationID", "del", use: pages.share)

        // Staff bearer tokens.
        let json = CasePresentationAPIController()
        api.get("pathways", ":pathwayID", "case-presentation", use: json.draft)
        api.post("pathways", ":pathwayID", "case-presentation", use: json.create)
        let presentations = api.grouped("case-presentations")
        presentations.get(use: json.list)
        presentations.get(":presentationID", use: json.show)
        presentations.patch(":presentationID", use: json.update)
        presentations.post(":presentationID", "share", use: json.share)
    }
}
