import Vapor

/// Mentor gatherings: staff pages, the mentor's invitations, and the staff API.
enum GatheringRoutes {
    static func register(office: some RoutesBuilder, mentor: some RoutesBuilder, api: some RoutesBuilder) {
        // Office staff (leder, veileder, markedskontakt): each gathering is checked by `openGathering`.
        let pages = GatheringController()
        let staff = office.grouped("samlinger")
        staff.get(use: pages.list)
        staff.post(use: pages.create)
        staff.get(":gatheringID", use: pages.show)
        staff.post(":gatheringID", "inviter", use: pages.invite)
        staff.post(":gatheringID", "oppmote", use: pages.recordAttendance)
        staff.post(":gatheringID", "oppsummering", use: pages.writeSummary)
        staff.post(":gatheringID", "avlys", use: pages.cancel)

        // A signed-in mentor: their own invitations only.
        let mentorPages = MentorGatheringController()
        let own = mentor.grouped("mentor", "samlinger")
        own.get(use: mentorPages.list)
        own.post(":invitationID", "svar", use: mentorPages.answer)

        // Staff bearer tokens.
        let json = GatheringAPIController()
        let gatherings = api.grouped("gatherings")
        gatherings.get(use: json.list)
        gatherings.post(use: json.create)
        gatherings.get(":gatheringID", use: json.show)
        gatherings.patch(":gatheringID", use: json.update)
        gatherings.post(":gatheringID", "invitations", use: json.invite)
        gatherings.put(":gatheringID", "attendance", use: json.recordAttendance)
    }
}
