import Leaf
import LeafKit
import Vapor

/// What the shared layout needs on every page.
struct LayoutContext: Encodable, Sendable {
    struct NavItem: Encodable, Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    struct UserBadge: Encodable, Sendable {
        var displayName: String
        var officeName: String?
        var roles: String
    }

    var lang: String
    var title: String
    var csrfToken: String?
    var user: UserBadge?
    var nav: [NavItem]
    var isDemo: Bool
    var flash: String?
}

/// A page's whole context: the layout's part and the page's own view model.
struct Page<Content: Encodable & Sendable>: Encodable, Sendable {
    var layout: LayoutContext
    var content: Content
}

/// Short confirmations shown after a redirect (`?melding=…`). Only these keys are accepted,
/// so a link cannot put arbitrary text on a page.
enum Flash: String, CaseIterable {
    case loggedOut = "utlogget"
    case sessionExpired = "utlopt"
    case passwordChanged = "passord-endret"
    case saved = "lagret"
    case tokenRevoked = "token-trukket"
    case userDeactivated = "deaktivert"
    case userReactivated = "aktivert"
    case candidateCreated = "kandidat-registrert"
    case consentRecorded = "samtykke-registrert"
    case consentWithdrawn = "samtykke-trukket"
    case hybridStarted = "hybrid-startet"
    case hybridEnded = "hybrid-avsluttet"
    case handedOver = "veileder-byttet"
    case accessGranted = "tilgang-gitt"
    case pathwayStarted = "forlop-startet"
    case eventRecorded = "hendelse-registrert"
    case pathwayClosed = "forlop-avsluttet"
    case modelImported = "modell-lastet"
    case eventWithdrawn = "hendelse-trukket"
    case employerCreated = "virksomhet-registrert"
    case visitRecorded = "besok-registrert"
    case approachRecorded = "kontakt-registrert"
    case mentorLinked = "mentor-knyttet"
    case agreementCreated = "avtale-opprettet"
    case agreementApproved = "avtale-godkjent"
    case agreementExtended = "avtale-forlenget"
    case agreementAnnulled = "avtale-annullert"
    case contactRecorded = "kontakt-logget"
    case meetingCreated = "mote-opprettet"
    case meetingUpdated = "mote-endret"
    case minutesWritten = "referat-skrevet"
    case minutesWrittenNoNext = "referat-skrevet-uten-neste"
    case meetingCancelled = "mote-avlyst"
    case goalSaved = "delmal-lagret"
    case languagePlanSaved = "sprakplan-lagret"
    case observationSaved = "observasjon-lagret"
    case alertSnoozed = "varsel-utsatt"
    case feedCreated = "kalender-opprettet"
    case feedRevoked = "kalender-trukket"
    case plainLanguageSaved = "klarsprak-lagret"
    case followUpSettingsSaved = "oppfolging-lagret"
    case invitationSent = "invitasjon-sendt"
    case alarmAcknowledged = "alarm-besvart"
    case hoursLogged = "timer-fort"
    case observationSent = "observasjon-sendt"
    case alarmSent = "alarm-sendt"
    case meetingConfirmed = "mote-bekreftet"
    case employerMessageSent = "arbeidsgiver-melding-sendt"
    case employerMeetingConfirmed = "arbeidsgiver-oppmote-bekreftet"
    case messageMarkedRead = "melding-lest"
    case learningNoteSaved = "laringsnotat-lagret"
    case learningNoteShared = "laringsnotat-delt"
    case learningNoteUnshared = "laringsnotat-privat"
    case learningNoteDeleted = "laringsnotat-slettet"
    case reflectionGroupSaved = "gruppe-lagret"
    case reflectionSessionSaved = "refleksjonsmote-lagret"
    case agendaItemSaved = "punkt-lagret"
    case reflectionAttendanceSaved = "refleksjon-oppmote-lagret"
    case reflectionActionSaved = "tiltak-lagret"
    case reflectionActionDone = "tiltak-utfort"
    case casePresentationSaved = "case-lagret"
    case casePresentationShared = "case-delt"
    case reflectionNoteSaved = "refleksjonsnotat-lagret"
    case reflectionNoteSigned = "refleksjonsnotat-signert"
    case premiseAnswered = "premisser-besvart"
    case premiseCheckOpened = "premisser-startet"
    case resourceAdded = "ressurs-lagt-til"
    case resourceEnded = "ressurs-avsluttet"

    var messageKey: String { "flash.\(rawValue)" }
}

extension Request {
    func render<Content: Encodable & Sendable>(
        _ template: String, titleKey: String, titleArgs: [String] = [], _ content: Content, status: HTTPStatus = .ok
    ) async throws -> Response {
        let texts = PageTexts(strings: samskap.strings, locale: locale)
        // Without a query string there is no message to look for (the lookup decodes the whole URL).
        let flash = url.query?.isEmpty != false ? nil
            : (try? query.get(String.self, at: "melding")).flatMap(Flash.init(rawValue:)).map { texts.text($0.messageKey) }
        let layout = LayoutContext(
            lang: texts.locale,
            title: texts.text(titleKey, titleArgs),
            csrfToken: csrfTokenForForms,
            user: principal.map {
                .init(
                    displayName: $0.displayName, officeName: $0.officeName,
                    roles: $0.roles.sorted().map { texts.text($0.labelKey) }.joined(separator: ", ")
                )
            },
            nav: navigation(texts),
            isDemo: principal?.isDemo ?? false,
            flash: flash
        )
        // The context is built by our encoder (same tree as Leaf's, less work) and handed to Leaf.
        let context = try LeafContextEncoder.encode(Page(layout: layout, content: content))
        let view = View(data: try await leafRenderer(texts: texts).render(path: template, context: context).get())
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.contentType = .html
        return response
    }

    /// Leaf for this request, as `req.leaf` builds it, with the page's texts for `#t`.
    private func leafRenderer(texts: PageTexts) -> LeafRenderer {
        var userInfo = application.leaf.userInfo
        userInfo["request"] = self
        userInfo["application"] = application
        userInfo[PageTexts.userInfoKey] = texts
        return LeafRenderer(
            configuration: application.leaf.configuration, tags: application.leaf.tags, cache: application.leaf.cache,
            sources: application.leaf.sources, eventLoop: eventLoop, userInfo: userInfo
        )
    }

    /// Links in the header, by role. Only what the user may open is shown.
    private func navigation(_ texts: PageTexts) -> [LayoutContext.NavItem] {
        guard let principal, !principal.mustChangePassword else { return [] }
        if let external = principal.external {
            guard !external.declarationPending else { return [] }
            let items: [(String, String)] = external.role == .mentor
                ? [("/mentor", "nav.mentor_home"), ("/mentor/samlinger", "nav.mentor_gatherings")]
                : [("/arbeidsgiver", "nav.employer_home")]
            return items.map { .init(href: $0.0, label: texts.text($0.1), current: url.path == $0.0) }
        }
        var items: [(String, String)] = [("/", "nav.start")]
        if principal.officeID != nil, principal.hasAny(Access.officeRoles) {
            items.append(("/portefolje", "nav.portfolio"))
            items.append(("/kandidater/ny", "nav.new_candidate"))
            items.append(("/virksomheter", "nav.employers"))
            items.append(("/jobbutvikling", "nav.job_development"))
            items.append(("/samlinger", "gathering.nav"))
            items.append(("/meldinger", "messages.nav"))
            items.append(("/refleksjon", "reflection.nav"))
        }
        if principal.officeID != nil, principal.roles.contains(.leder) {
            items.append(("/kontor/oversikt", "nav.overview"))
            items.append(("/kontor/kvalitet", "nav.quality"))
        }
        if principal.officeID != nil { items.append(("/kontor", "nav.office")) }
        if principal.hasAny([.admin, .leder]) { items.append(("/metodemodeller", "nav.models")) }
        if principal.hasAny([.admin, .leder]) { items.append(("/revisjonslogg", "nav.audit")) }
        if principal.isAdmin {
            items.append(("/admin/brukere", "nav.admin_users"))
            items.append(("/admin/kontorer", "nav.admin_offices"))
        }
        items.append(("/meg", "nav.me"))
        let path = url.path
        // The longest matching link is the current one (/kontor/oversikt, not /kontor).
        let current = items.map(\.0).filter { $0 == "/" ? path == "/" : path == $0 || path.hasPrefix($0 + "/") }.max { $0.count < $1.count }
        return items.map { href, key in
            .init(href: href, label: texts.text(key), current: href == current)
        }
    }
}
