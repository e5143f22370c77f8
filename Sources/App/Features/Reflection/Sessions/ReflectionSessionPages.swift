import Fluent
import Vapor

/// `/refleksjon/moter`: the sessions of my groups (leaders: the office's), upcoming first, then
/// past; a form for a new one, with the next date by the group's rhythm suggested.
struct ReflectionSessionListPage: MultiFormPage {
    let req: Request
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request) { self.req = req }

    struct Item: Encodable, Sendable {
        var href: String
        var group: String
        var when: String
        var place: String?
        var status: String
        var statusClass: String
        var points: String
    }

    struct View: Encodable, Sendable {
        var createForm: [FormView]
        var suggestions: [String]
        var noGroups: Bool
        var upcoming: [Item]
        var past: [Item]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let groups = try await ReflectionSessionRecord.visibleGroups(principal, officeID: officeID, on: db)
        let groupIDs = groups.compactMap(\.id)
        let sessions = groupIDs.isEmpty ? [] : try await ReflectionSession.query(on: db).filter(\.$office.$id == officeID)
            .filter(\.$group.$id ~~ groupIDs).sort(\.$startsAt, .descending).limit(500).all()
        let names = Dictionary(groups.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sessionIDs = sessions.compactMap(\.id)
        let items = sessionIDs.isEmpty ? [] : try await ReflectionAgendaItem.query(on: db).filter(\.$session.$id ~~ sessionIDs).all()
        let counts = Dictionary(grouping: items, by: { $0.$session.id }).mapValues(\.count)

        // The next date by each group's rhythm, from its latest session that was not cancelled.
        let plannable = groups.filter { $0.archivedAt == nil }
        var suggested: [UUID: Date] = [:]
        var suggestions: [String] = []
        for group in plannable {
            let last = sessions.filter { $0.$group.id == group.id && $0.cancelledAt == nil }.map(\.startsAt).max()
            if let next = ReflectionSessionRules.suggestedNext(lastStart: last, rhythmWeeks: group.rhythmWeeks, now: now) {
                suggested[group.id!] = next
                suggestions.append(group.rhythmWeeks == 1 ? req.t("rsession.create.suggestion_weekly", group.name, DisplayDate.date(next))
                                   : req.t("rsession.create.suggestion", group.name, String(group.rhythmWeeks ?? 0), DisplayDate.date(next)))
            }
        }
        let chosen = (try? req.query.get(String.self, at: "gruppe")).flatMap(UUID.init(uuidString:)).flatMap { id in plannable.first { $0.id == id }?.id }
            ?? (plannable.count == 1 ? plannable[0].id : nil)
        var defaults = ["time": "12:00"]
        if let chosen {
            defaults["groupId"] = chosen.uuidString
            if let next = suggested[chosen] {
                defaults["day"] = DisplayDate.dayInput(next)
                defaults["time"] = DisplayDate.timeInput(next)
            }
        }

        var createForm: [FormView] = []
        if !plannable.isEmpty {
            var form = builder("ny", action: "/refleksjon/moter", defaults: defaults)
            var options = plannable.map { FormView.Option(value: $0.id!.uuidString, label: $0.name, selected: false) }
            options.insert(.init(value: "", label: req.t("form.choose"), selected: false), at: 0)
            form.add("groupId", .select, label: "rsession.field.group", hint: "rsession.field.group_hint", options: options)
            form.add("day", .date, label: "rsession.field.day")
            form.add("time", .time, label: "rsession.field.time")
            form.add("place", .text, label: "rsession.field.place", hint: "rsession.field.place_hint", maxLength: ReflectionSessionRules.maxPlace)
            form.add("points", .textarea, label: "rsession.field.points", hint: "rsession.field.points_hint")
            createForm = [form.build(submit: "rsession.create.submit", folded: !sessions.isEmpty && failed == nil && chosen == nil, summary: "rsession.create.summary")]
        }

        func item(_ s: ReflectionSession) -> Item {
            let state = ReflectionSessionRules.status(startsAt: s.startsAt, heldAt: s.heldAt, cancelledAt: s.cancelledAt, now: now)
            return Item(href: "/refleksjon/moter/\(s.id!.uuidString)", group: names[s.$group.id] ?? "", when: DisplayDate.dateTime(s.startsAt),
                        place: s.place, status: req.t(state.labelKey), statusClass: state.rawValue, points: Self.pointsLabel(req, counts[s.id!] ?? 0))
        }
        let upcoming = sessions.filter { $0.startsAt > now }.sorted { $0.startsAt < $1.startsAt }.map(item)
        let past = sessions.filter { $0.startsAt <= now }.map(item)
        let view = View(createForm: createForm, suggestions: suggestions, noGroups: plannable.isEmpty, upcoming: upcoming, past: past)
        return try await req.render("reflection/sessions/index", titleKey: "rsession.list.title", view, status: status)
    }

    /// "1 punkt på sakslisten", "3 punkter på sakslisten".
    static func pointsLabel(_ req: Request, _ count: Int) -> String {
        count == 1 ? req.t("rsession.list.point_one") : req.t("rsession.list.points", String(count))
    }
}

/// `/refleksjon/moter/{id}`: one session — its agenda points with notes and themes (a case point
/// shows the shared presentation), attendance and a summary, actions, and changing or cancelling it.
struct ReflectionSessionPage: MultiFormPage {
    let req: Request
    let session: ReflectionSession
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, session: ReflectionSession) {
        self.req = req
        self.session = session
    }

    /// One checkbox name per point and theme: several points' forms are on one page, and a name
    /// shared across forms would make screen readers group unrelated boxes.
    static func themeField(_ theme: ReflectionTheme, item: UUID) -> String { "theme-\(item.uuidString.prefix(8).lowercased())-\(theme.rawValue)" }
    static func cameField(_ id: UUID) -> String { "came-\(id.uuidString)" }
    static func itemFormID(_ id: UUID) -> String { "punkt-\(id.uuidString)" }

    struct CaseView: Encodable, Sendable {
        var ageBand: String
        var innsatsgruppe: String
        var step: String
        var duration: String
        var challenges: String
        var tried: String
        var criteria: String
        var question: String
    }

    /// A point's edit form, drawn by the page itself so the theme checkboxes sit in a fieldset.
    struct ItemEditForm: Encodable, Sendable {
        var id: String
        var action: String
        var errors: [FormErrors.Item]
        var hasErrors: Bool
        var open: Bool
        var title: FormView.Field
        var notes: FormView.Field
        var themes: [FormView.Field]
        var freeTags: FormView.Field
    }

    struct ItemView: Encodable, Sendable {
        var anchor: String
        var headingID: String
        var position: Int
        var kind: String
        var kindClass: String
        var title: String
        var notes: String?
        var themes: [String]
        var presentation: CaseView?
        var caseMissing: Bool
        var editForm: [ItemEditForm]
        var upAction: String?
        var downAction: String?
        var removeAction: String?
    }

    struct AttendanceLine: Encodable, Sendable {
        var name: String
        var came: String
    }

    struct ActionLine: Encodable, Sendable {
        var title: String
        var owner: String
        var due: String
        var overdue: Bool
        var status: String
        var point: String?
        var doneAction: String?
    }

    struct View: Encodable, Sendable {
        var id: String
        var group: String
        var when: String
        var place: String?
        var status: String
        var statusClass: String
        var cancelled: String?
        var held: String?
        var summary: String?
        var onlyCases: Bool
        var noPoints: Bool
        var items: [ItemView]
        var addItemForm: [FormView]
        var noSharedCases: Bool
        var attendance: [AttendanceLine]
        var attendanceForm: [FormView]
        var attendanceFrom: String?
        var noMembers: Bool
        var actions: [ActionLine]
        var actionForm: [FormView]
        var changeForm: [FormView]
        var cancelForm: [FormView]
        /// Problems of a form the page does not show now (moving a point, attendance before the start).
        var pageErrors: [String]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let principal = try req.requirePrincipal()
        let record = try await ReflectionSessionRecord.load(session, on: db)
        let s = record.session
        let base = "/refleksjon/moter/\(record.id.uuidString)"
        let state = record.status(now: now)
        let open = state != .cancelled

        var items: [ItemView] = []
        for (index, entry) in record.items.enumerated() {
            let item = entry.item
            let itemID = item.id!
            let formID = Self.itemFormID(itemID)
            var editForm: [ItemEditForm] = []
            if open {
                var defaults = ["title": item.title, "notes": item.notes ?? "", "freeTags": entry.freeTags.joined(separator: ", ")]
                for theme in entry.themes { defaults[Self.themeField(theme, item: itemID)] = "on" }
                var form = builder(formID, action: "\(base)/punkter/\(itemID.uuidString)", defaults: defaults)
                form.add("title", .text, label: "rsession.field.item_title", hint: "rsession.field.item_title_edit_hint", maxLength: ReflectionSessionRules.maxTitle)
                form.add("notes", .textarea, label: "rsession.field.notes", hint: "rsession.field.notes_hint", maxLength: ReflectionSessionRules.maxNotes)
                for theme in ReflectionTheme.allCases {
                    form.add(Self.themeField(theme, item: itemID), .checkbox, label: theme.labelKey)
                }
                form.add("freeTags", .text, label: "rsession.field.free_tags", hint: "rsession.field.free_tags_hint")
                let built = form.build(submit: "rsession.item.save")
                let byName = Dictionary(built.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                editForm = [ItemEditForm(id: built.id, action: built.action, errors: built.errors, hasErrors: built.hasErrors, open: built.hasErrors,
                                         title: byName["title"]!, notes: byName["notes"]!,
                                         themes: built.fields.filter { $0.kind == .checkbox }, freeTags: byName["freeTags"]!)]
            }
            let presentation = entry.presentation.map { p in
                CaseView(ageBand: p.ageBand, innsatsgruppe: p.innsatsgruppe, step: p.step,
                         duration: req.t("reflection.case.duration_weeks", String(p.durationWeeks)),
                         challenges: p.challenges, tried: p.tried, criteria: p.criteria, question: p.question)
            }
            let themes = entry.themes.map { req.t($0.labelKey) } + entry.freeTags
            let itemBase = "\(base)/punkter/\(itemID.uuidString)"
            items.append(ItemView(
                anchor: formID, headingID: "\(formID)-heading", position: index + 1, kind: req.t(item.kind.labelKey), kindClass: item.kind.rawValue,
                title: item.title, notes: item.notes, themes: themes, presentation: presentation,
                caseMissing: item.kind == .casePresentation && presentation == nil, editForm: editForm,
                upAction: open && index > 0 ? "\(itemBase)/opp" : nil,
                downAction: open && index < record.items.count - 1 ? "\(itemBase)/ned" : nil,
                removeAction: open ? "\(itemBase)/fjern" : nil
            ))
        }

        var addItemForm: [FormView] = []
        var noShared = false
        if open {
            let shared = try await ReflectionSessionRecord.sharedPresentations(s.$office.id, on: db)
            noShared = shared.isEmpty
            var form = builder("nytt-punkt", action: "\(base)/punkter", defaults: ["kind": AgendaItemKind.theme.rawValue])
            form.choice("kind", AgendaItemKind.self, label: "rsession.field.kind", labelKey: \.labelKey, hint: "rsession.field.kind_hint")
            form.add("title", .text, label: "rsession.field.item_title", hint: "rsession.field.item_title_hint", maxLength: ReflectionSessionRules.maxTitle)
            var options = shared.map { p in
                FormView.Option(value: p.id!.uuidString, label: req.t("rsession.case.option", p.step, p.ageBand, String(p.question.prefix(60)),
                                                                       DisplayDate.date(p.sharedAt ?? p.createdAt)), selected: false)
            }
            options.insert(.init(value: "", label: req.t("rsession.case.none_chosen"), selected: false), at: 0)
            form.add("casePresentationId", .select, label: "rsession.field.case", hint: "rsession.field.case_hint", options: options)
            addItemForm = [form.build(submit: "rsession.item.add", folded: !record.items.isEmpty, summary: "rsession.item.add_summary")]
        }

        let attendance = record.attendance.map {
            AttendanceLine(name: $0.name, came: req.t($0.row.attended ? "rsession.attendance.came" : "rsession.attendance.not_came"))
        }
        var attendanceForm: [FormView] = []
        if state == .started || state == .held, !record.members.isEmpty {
            var defaults = ["summary": s.summary ?? ""]
            let recorded = Dictionary(record.attendance.map { ($0.row.$user.id, $0.row.attended) }, uniquingKeysWith: { a, _ in a })
            for member in record.members where recorded[member.id] == true { defaults[Self.cameField(member.id)] = "on" }
            var form = builder("oppmote", action: "\(base)/oppmote", defaults: defaults)
            for member in record.members { form.add(Self.cameField(member.id), .checkbox, label: member.name) }
            form.add("summary", .textarea, label: "rsession.field.summary", hint: "rsession.field.summary_hint", maxLength: ReflectionSessionRules.maxSummary)
            attendanceForm = [form.build(submit: s.heldAt == nil ? "rsession.attendance.submit" : "rsession.attendance.correct",
                                         folded: s.heldAt != nil, summary: "rsession.attendance.correct")]
        }

        let isLeader = principal.roles.contains(.leder)
        let itemTitles = Dictionary(record.items.map { ($0.item.id!, $0.item.title) }, uniquingKeysWith: { a, _ in a })
        let actions = record.actions.map { entry in
            let a = entry.action
            let mayMarkDone = open && a.doneAt == nil && (a.$owner.id == principal.userID || s.$createdBy.id == principal.userID || isLeader)
            return ActionLine(
                title: a.title, owner: entry.ownerName, due: DisplayDate.date(a.dueOn),
                overdue: open && a.doneAt == nil && ReflectionSessionRules.isOverdue(dueOn: a.dueOn, now: now),
                status: a.doneAt.map { req.t("rsession.action.done_on", DisplayDate.date($0)) } ?? req.t(open ? "rsession.action.open" : "rsession.action.laid_aside"),
                point: a.$agendaItem.id.flatMap { itemTitles[$0] },
                doneAction: mayMarkDone ? "/refleksjon/tiltak/\(a.id!.uuidString)/utfort" : nil
            )
        }
        var actionForm: [FormView] = []
        if open {
            let staff = try await ReflectionSessionRecord.officeStaff(s.$office.id, on: db)
            var form = builder("nytt-tiltak", action: "\(base)/tiltak")
            form.add("title", .text, label: "rsession.field.action_title", hint: "rsession.field.action_title_hint", maxLength: ReflectionSessionRules.maxActionTitle)
            var owners = staff.map { FormView.Option(value: $0.id.uuidString, label: $0.name, selected: false) }
            owners.insert(.init(value: "", label: req.t("form.choose"), selected: false), at: 0)
            form.add("ownerId", .select, label: "rsession.field.owner", hint: "rsession.field.owner_hint", options: owners)
            form.add("dueOn", .date, label: "rsession.field.due")
            var points = record.items.map { FormView.Option(value: $0.item.id!.uuidString, label: "\($0.item.position). \($0.item.title)", selected: false) }
            points.insert(.init(value: "", label: req.t("rsession.field.no_point"), selected: false), at: 0)
            form.add("agendaItemId", .select, label: "rsession.field.point", options: points)
            actionForm = [form.build(submit: "rsession.action.add", folded: !record.actions.isEmpty, summary: "rsession.action.add_summary")]
        }

        var changeForm: [FormView] = []
        var cancelForm: [FormView] = []
        if open {
            var form = builder("endre", action: "\(base)/endre",
                               defaults: ["day": DisplayDate.dayInput(s.startsAt), "time": DisplayDate.timeInput(s.startsAt), "place": s.place ?? ""])
            form.add("day", .date, label: "rsession.field.day")
            form.add("time", .time, label: "rsession.field.time")
            form.add("place", .text, label: "rsession.field.place", maxLength: ReflectionSessionRules.maxPlace)
            changeForm = [form.build(submit: "rsession.change.submit", folded: true, summary: "rsession.change.summary", secondary: true)]
            if s.heldAt == nil {
                let cancel = builder("avlys", action: "\(base)/avlys")
                cancelForm = [cancel.build(submit: "rsession.cancel.submit", folded: true, summary: "rsession.cancel.summary", secondary: true)]
            }
        }

        let shownForms = Set(items.flatMap(\.editForm).map(\.id) + (addItemForm + attendanceForm + actionForm + changeForm + cancelForm).map(\.id))
        let pageErrors = failed.map { shownForms.contains($0.id) ? [] : $0.errors.items.map(\.message) } ?? []

        let view = View(
            id: record.id.uuidString, group: record.group.name, when: DisplayDate.dateTime(s.startsAt), place: s.place,
            status: req.t(state.labelKey), statusClass: state.rawValue,
            cancelled: s.cancelledAt.map { req.t("rsession.cancelled_meta", DisplayDate.dateTime($0)) },
            held: s.heldAt.map { req.t("rsession.held_meta", DisplayDate.dateTime($0)) },
            summary: s.summary, onlyCases: ReflectionSessionRules.onlyCases(record.items.map(\.item.kind)), noPoints: record.items.isEmpty,
            items: items, addItemForm: addItemForm, noSharedCases: noShared,
            attendance: attendance, attendanceForm: attendanceForm,
            attendanceFrom: state == .planned ? DisplayDate.dateTime(s.startsAt) : nil, noMembers: record.members.isEmpty,
            actions: actions, actionForm: actionForm, changeForm: changeForm, cancelForm: cancelForm, pageErrors: pageErrors
        )
        return try await req.render("reflection/sessions/show", titleKey: "rsession.show.title",
                                    titleArgs: [record.group.name, DisplayDate.date(s.startsAt)], view, status: status)
    }
}

/// `/refleksjon/tiltak`: my actions from reflection sessions — open ones (overdue first, then by
/// due date) and the done ones below. The owner sees them even outside the session's group.
struct ReflectionActionsPage {
    let req: Request

    struct Line: Encodable, Sendable {
        var title: String
        var group: String
        var session: String
        var sessionHref: String?
        var due: String
        var overdue: Bool
        var doneAction: String?
        var done: String?
    }

    struct View: Encodable, Sendable {
        var open: [Line]
        var done: [Line]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let actions = try await ReflectionActionQueries.owned(ownerID: principal.userID, officeID: officeID, status: "all", on: db)
        let groupIDs = Set(actions.map { $0.session.$group.id })
        let groups = groupIDs.isEmpty ? [] : try await ReflectionGroup.query(on: db).filter(\.$id ~~ groupIDs).all()
        let names = Dictionary(groups.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let visible = Set(try await ReflectionSessionRecord.visibleGroups(principal, officeID: officeID, on: db).compactMap(\.id))
        let lines = actions.map { a in
            Line(title: a.title, group: names[a.session.$group.id] ?? "", session: DisplayDate.dateTime(a.session.startsAt),
                 sessionHref: visible.contains(a.session.$group.id) ? "/refleksjon/moter/\(a.session.id!.uuidString)" : nil,
                 due: DisplayDate.date(a.dueOn), overdue: a.doneAt == nil && ReflectionSessionRules.isOverdue(dueOn: a.dueOn, now: now),
                 doneAction: a.doneAt == nil ? "/refleksjon/tiltak/\(a.id!.uuidString)/utfort" : nil,
                 done: a.doneAt.map { DisplayDate.date($0) })
        }
        let view = View(open: lines.filter { $0.done == nil }, done: lines.filter { $0.done != nil })
        return try await req.render("reflection/sessions/actions", titleKey: "rsession.actions.title", view, status: status)
    }
}
