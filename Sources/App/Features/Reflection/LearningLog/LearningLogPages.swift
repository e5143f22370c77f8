import Fluent
import Vapor

/// A form with a list of checkboxes in a fieldset of its own (themes, members), drawn by
/// `reflection/log/choice-form.leaf`: the fields before the list, the list, the fields after it.
struct ChoiceForm: Encodable, Sendable {
    var form: FormView
    var intro: String?
    var choicesName: String
    var choicesLegend: String
    var choicesHint: String?
    var choicesError: String?
    var choices: [FormView.Field]
    var after: [FormView.Field]

    init(_ built: FormView, errors: FormErrors, intro: String?, choicesName: String, isChoice: (String) -> Bool, after: Set<String>,
         legend: String, hint: String?) {
        var form = built
        form.fields = built.fields.filter { !isChoice($0.name) && !after.contains($0.name) }
        self.form = form
        self.intro = intro
        self.choicesName = choicesName
        choicesLegend = legend
        choicesHint = hint
        choicesError = errors.byField[choicesName]
        choices = built.fields.filter { isChoice($0.name) }
        self.after = built.fields.filter { after.contains($0.name) }
    }
}

/// View pieces shared by the learning log pages.
enum LearningLogView {
    static func themeField(_ theme: ReflectionTheme) -> String { "theme-\(theme.rawValue)" }
    static func memberField(_ id: UUID) -> String { "member-\(id.uuidString)" }

    struct Note: Encodable, Sendable {
        var id: String
        var href: String?
        var author: String
        var date: String
        var done: String
        var learned: String
        var worthKeeping: String
        var themes: [String]
        var badge: String
        var badgeClass: String
        /// The author's own link to a pathway; never filled for anyone else.
        var candidate: String?
    }

    static func note(_ record: LearningNoteRecord, req: Request, link: Bool) -> Note {
        let n = record.note
        let own = record.reader == .author
        let badge = record.groupName.map { req.t("learning.note.shared_with", $0) } ?? req.t("learning.note.private")
        return Note(
            id: record.id.uuidString, href: link && own ? "/refleksjon/logg/\(record.id.uuidString)" : nil, author: record.authorName, date: DisplayDate.date(n.createdAt),
            done: n.done, learned: n.learned, worthKeeping: n.worthKeeping,
            themes: record.themes.map { req.t($0.labelKey) } + record.freeTags,
            badge: badge, badgeClass: n.$group.id == nil ? "" : "ok",
            candidate: own ? record.pathwayID.map { _ in
                record.candidateName.map { req.t("learning.note.pathway_meta", $0) } ?? req.t("learning.note.pathway_meta_gone")
            } : nil
        )
    }

    /// The note form: the three texts, an optional pathway of the author's own, themes and free tags.
    static func noteForm(_ builder: FormBuilder, pathways: [(id: UUID, name: String)], submit: String, folded: Bool = false, summary: String? = nil) -> ChoiceForm {
        var form = builder
        let req = form.req
        form.add("done", .textarea, label: "learning.field.done", hint: "learning.field.done_hint", maxLength: LearningNoteRules.maxText)
        form.add("learned", .textarea, label: "learning.field.learned", hint: "learning.field.learned_hint", maxLength: LearningNoteRules.maxText)
        form.add("worthKeeping", .textarea, label: "learning.field.worth_keeping", hint: "learning.field.worth_keeping_hint", maxLength: LearningNoteRules.maxText)
        if !pathways.isEmpty || !(form.values["pathwayID"] ?? "").isEmpty {
            let options = [FormView.Option(value: "", label: req.t("learning.field.pathway_none"), selected: false)]
                + pathways.map { FormView.Option(value: $0.id.uuidString, label: $0.name, selected: false) }
            form.add("pathwayID", .select, label: "learning.field.pathway", hint: "learning.field.pathway_hint", options: options)
        }
        for theme in ReflectionTheme.allCases { form.add(themeField(theme), .checkbox, label: theme.labelKey) }
        form.add("freeTags", .text, label: "learning.field.free_tags", hint: "learning.field.free_tags_hint", maxLength: 300)
        return ChoiceForm(form.build(submit: submit, folded: folded, summary: summary), errors: form.errors, intro: req.t("learning.form.no_names"),
                          choicesName: "themes", isChoice: { $0.hasPrefix("theme-") }, after: ["freeTags"],
                          legend: req.t("learning.field.themes"), hint: req.t("learning.field.themes_hint"))
    }

    /// The values a stored note fills its edit form with.
    static func values(_ record: LearningNoteRecord) -> [String: String] {
        var values = ["done": record.note.done, "learned": record.note.learned, "worthKeeping": record.note.worthKeeping,
                      "pathwayID": record.pathwayID?.uuidString ?? "", "freeTags": record.freeTags.joined(separator: ", ")]
        for theme in record.themes { values[themeField(theme)] = "on" }
        return values
    }

    /// The group form: name, kind, rhythm, description, and the members from the office's staff.
    static func groupForm(_ builder: FormBuilder, staff: [User], submit: String, folded: Bool = false, summary: String? = nil,
                          membersHint: String = "learning.group.field.members_hint") -> ChoiceForm {
        var form = builder
        let req = form.req
        form.add("name", .text, label: "learning.group.field.name", hint: "learning.group.field.name_hint", maxLength: ReflectionGroupRules.maxName)
        form.choice("kind", ReflectionGroupKind.self, label: "learning.group.field.kind", labelKey: \.labelKey)
        form.add("rhythmWeeks", .number, label: "learning.group.field.rhythm", hint: "learning.group.field.rhythm_hint", inputMode: "numeric")
        form.add("description", .textarea, label: "learning.group.field.description", hint: "learning.group.field.description_hint",
                 maxLength: ReflectionGroupRules.maxDescription)
        for user in staff {
            form.add(memberField(user.id!), .checkbox, label: user.displayName)
        }
        return ChoiceForm(form.build(submit: submit, folded: folded, summary: summary), errors: form.errors, intro: nil,
                          choicesName: "userIDs", isChoice: { $0.hasPrefix("member-") }, after: [],
                          legend: req.t("learning.group.field.members"), hint: req.t(membersHint))
    }
}

/// `/refleksjon`: why the office reflects together, and the way to each part.
struct ReflectionHubPage {
    let req: Request

    struct Link: Encodable, Sendable {
        var href: String
        var title: String
        var description: String
    }

    struct View: Encodable, Sendable {
        var links: [Link]
        var myNotes: Int
        var sharedRecently: Int
        var myGroups: Int
    }

    func render() async throws -> Response {
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let db = req.db
        let myNotes = try await LearningNote.query(on: db).filter(\.$author.$id == principal.userID).filter(\.$office.$id == officeID)
            .filter(\.$deletedAt == nil).count()
        let groups = try await LearningLogService.activeGroupIDs(of: principal.userID, on: db)
        let openGroups = groups.isEmpty ? 0 : try await ReflectionGroup.query(on: db).filter(\.$id ~~ groups).filter(\.$office.$id == officeID)
            .filter(\.$archivedAt == nil).count()
        let since = RuleDuration.calendar.date(byAdding: .day, value: -30, to: req.now) ?? req.now
        let shared = groups.isEmpty ? 0 : try await LearningNote.query(on: db).filter(\.$group.$id ~~ groups).filter(\.$office.$id == officeID)
            .filter(\.$deletedAt == nil).filter(\.$sharedAt >= since).count()

        var items: [(String, String)] = [
            ("/refleksjon/logg", "log"), ("/refleksjon/grupper", "groups"), ("/refleksjon/moter", "sessions"), ("/refleksjon/tiltak", "actions"),
            ("/refleksjon/case", "cases"), ("/refleksjon/notat", "note"), ("/kontor/premisser", "premises"),
        ]
        if principal.roles.contains(.leder) { items.append(("/kontor/laering", "overview")) }
        let links = items.map { Link(href: $0.0, title: req.t("learning.hub.link.\($0.1).title"), description: req.t("learning.hub.link.\($0.1).description")) }
        return try await req.render("reflection/log/hub", titleKey: "learning.hub.title",
                                    View(links: links, myNotes: myNotes, sharedRecently: shared, myGroups: openGroups))
    }
}

/// `/refleksjon/logg`: my notes, newest first, and a form for a new one.
struct LearningLogPage: MultiFormPage {
    let req: Request
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request) { self.req = req }

    struct View: Encodable, Sendable {
        var createForm: [ChoiceForm]
        var notes: [LearningLogView.Note]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let pathways = try await LearningLogService.linkablePathways(authorID: principal.userID, officeID: officeID, on: req.db)
        let notes = try await LearningNoteRecord.mine(principal.userID, officeID: officeID, on: req.db)
        let form = LearningLogView.noteForm(builder("ny", action: "/refleksjon/logg"), pathways: pathways, submit: "learning.form.create")
        let view = View(createForm: [form], notes: notes.map { LearningLogView.note($0, req: req, link: true) })
        return try await req.render("reflection/log/index", titleKey: "learning.log.title", view, status: status)
    }
}

/// `/refleksjon/logg/{id}`: one note. Its author edits it, shares it with a group, makes it
/// private again or deletes it; a member of the group it is shared with reads it.
struct LearningNotePage: MultiFormPage {
    let req: Request
    let record: LearningNoteRecord
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, record: LearningNoteRecord) {
        self.req = req
        self.record = record
    }

    struct View: Encodable, Sendable {
        var date: String
        /// The one note, as a list so the shared item template draws it.
        var notes: [LearningLogView.Note]
        var isAuthor: Bool
        var editForm: [ChoiceForm]
        var shareForm: [FormView]
        var noGroups: Bool
        var unshareForm: [FormView]
        var deleteForm: [FormView]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let db = req.db
        let base = "/refleksjon/logg/\(record.id.uuidString)"
        let own = record.reader == .author
        var editForm: [ChoiceForm] = [], shareForm: [FormView] = [], unshareForm: [FormView] = [], deleteForm: [FormView] = []
        var noGroups = false
        if own {
            let pathways = try await LearningLogService.linkablePathways(authorID: principal.userID, officeID: record.note.$office.id, on: db)
            var linkable = pathways
            if let current = record.pathwayID, !pathways.contains(where: { $0.id == current }) {
                linkable.append((current, record.candidateName ?? req.t("learning.field.pathway_not_followed")))
            }
            editForm = [LearningLogView.noteForm(builder("endre", action: base, defaults: LearningLogView.values(record)), pathways: linkable,
                                                 submit: "learning.form.save", folded: failed?.id != "endre", summary: "learning.form.edit_summary")]

            let groups = try await LearningLogService.activeGroupIDs(of: principal.userID, on: db)
            let open = groups.isEmpty ? [] : try await ReflectionGroup.query(on: db).filter(\.$id ~~ groups)
                .filter(\.$office.$id == record.note.$office.id).filter(\.$archivedAt == nil).sort(\.$name).all()
            let choices = open.filter { $0.id != record.note.$group.id }
            if choices.isEmpty {
                noGroups = record.note.$group.id == nil
            } else {
                var share = builder("del", action: "\(base)/del")
                share.add("groupID", .select, label: "learning.share.group", hint: "learning.share.hint",
                          options: [.init(value: "", label: req.t("form.choose"), selected: false)] + choices.map { .init(value: $0.id!.uuidString, label: $0.name, selected: false) })
                shareForm = [share.build(submit: record.note.$group.id == nil ? "learning.share.submit" : "learning.share.move")]
            }
            if record.note.$group.id != nil {
                unshareForm = [builder("privat", action: "\(base)/privat").build(submit: "learning.share.unshare", secondary: true)]
            }
            var delete = builder("slett", action: "\(base)/slett")
            delete.add("confirm", .checkbox, label: "learning.delete.confirm")
            deleteForm = [delete.build(submit: "learning.delete.submit", folded: true, summary: "learning.delete.summary", secondary: true)]
        }
        let view = View(date: DisplayDate.date(record.note.createdAt), notes: [LearningLogView.note(record, req: req, link: false)], isAuthor: own, editForm: editForm, shareForm: shareForm,
                        noGroups: noGroups, unshareForm: unshareForm, deleteForm: deleteForm)
        return try await req.render("reflection/log/note", titleKey: "learning.note.title", titleArgs: [DisplayDate.date(record.note.createdAt)],
                                    view, status: status)
    }
}

/// `/refleksjon/grupper`: the office's groups (mine first) with their members, and a new one.
struct ReflectionGroupListPage: MultiFormPage {
    let req: Request
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request) { self.req = req }

    struct Item: Encodable, Sendable {
        var href: String
        var name: String
        var kind: String
        var rhythm: String?
        var description: String?
        var members: String
        var mine: Bool
        var archived: Bool
    }

    struct View: Encodable, Sendable {
        var createForm: [ChoiceForm]
        var groups: [Item]
    }

    static func item(_ record: ReflectionGroupRecord, viewerID: UUID, req: Request) -> Item {
        let g = record.group
        return Item(href: "/refleksjon/grupper/\(record.id.uuidString)", name: g.name, kind: req.t(g.kind.labelKey),
                    rhythm: g.rhythmWeeks.map { req.t($0 == 1 ? "learning.group.rhythm_one" : "learning.group.rhythm", String($0)) },
                    description: g.groupDescription, members: record.members.map(\.name).joined(separator: ", "),
                    mine: record.isMember(viewerID), archived: g.archivedAt != nil)
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let records = try await ReflectionGroupRecord.office(officeID, viewerID: principal.userID, on: req.db)
        let staff = try await LearningLogService.possibleMembers(officeID: officeID, on: req.db)
        let form = LearningLogView.groupForm(builder("ny", action: "/refleksjon/grupper", defaults: [LearningLogView.memberField(principal.userID): "on"]),
                                             staff: staff, submit: "learning.group.create", folded: !records.isEmpty, summary: "learning.group.create_summary")
        let view = View(createForm: [form], groups: records.map { Self.item($0, viewerID: principal.userID, req: req) })
        return try await req.render("reflection/log/groups", titleKey: "learning.groups.title", view, status: status)
    }
}

/// `/refleksjon/grupper/{id}`: a group, its members, and — for members only — the notes shared with it.
struct ReflectionGroupPage: MultiFormPage {
    let req: Request
    let group: ReflectionGroup
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, group: ReflectionGroup) {
        self.req = req
        self.group = group
    }

    struct View: Encodable, Sendable {
        var group: ReflectionGroupListPage.Item
        var members: [String]
        var isMember: Bool
        var notes: [LearningLogView.Note]
        var editForm: [ChoiceForm]
        var archiveForm: [FormView]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let record = try await ReflectionGroupRecord.load(group, on: req.db)
        let member = record.isMember(principal.userID)
        let base = "/refleksjon/grupper/\(record.id.uuidString)"
        var editForm: [ChoiceForm] = [], archiveForm: [FormView] = []
        if group.archivedAt == nil, ReflectionGroupRules.mayManage(isActiveMember: member, isLeader: principal.roles.contains(.leder)) {
            let staff = try await LearningLogService.possibleMembers(officeID: group.$office.id, on: req.db)
            var defaults = ["name": group.name, "kind": group.kind.rawValue, "rhythmWeeks": group.rhythmWeeks.map(String.init) ?? "",
                            "description": group.groupDescription ?? ""]
            for m in record.members { defaults[LearningLogView.memberField(m.userID)] = "on" }
            editForm = [LearningLogView.groupForm(builder("endre", action: base, defaults: defaults), staff: staff, submit: "learning.group.save",
                                                  folded: true, summary: "learning.group.edit_summary", membersHint: "learning.group.field.members_edit_hint")]
            archiveForm = [builder("arkiver", action: "\(base)/arkiver").build(submit: "learning.group.archive", folded: true,
                                                                              summary: "learning.group.archive_summary", secondary: true)]
        }
        let notes = member ? try await LearningNoteRecord.shared(with: principal.userID, officeID: group.$office.id, group: record.id, on: req.db) : []
        let view = View(group: ReflectionGroupListPage.item(record, viewerID: principal.userID, req: req), members: record.members.map(\.name),
                        isMember: member, notes: notes.map { LearningLogView.note($0, req: req, link: true) },
                        editForm: editForm, archiveForm: archiveForm)
        return try await req.render("reflection/log/group", titleKey: "learning.group.title", titleArgs: [group.name], view, status: status)
    }
}
