import LeafKit
import Vapor

/// A form described in Swift and drawn by `partials/form.leaf`: labels, hints, the values typed,
/// and each field's error next to it (with `aria-invalid` and `aria-describedby`).
struct FormView: Encodable, Sendable {
    /// One choice of a menu, for `#options`; handed to Leaf as built (`leafData`), not through an
    /// encoder (a national office's menu of employers has about 150).
    struct Option: Encodable, Sendable, LeafDataRepresentable {
        var value: String
        var label: String
        var selected: Bool

        var leafData: LeafData { .dictionary(["value": .string(value), "label": .string(label), "selected": .bool(selected)]) }
    }

    struct Field: Encodable, Sendable {
        enum Kind: String, Encodable, Sendable {
            case text, date, time, number, email, tel, password, textarea, select, checkbox, hidden
        }
        var name: String
        /// The element id: the field name, prefixed when a page has several forms with the same names.
        var id: String
        var kind: Kind
        var label: String
        var hint: String?
        var value: String
        var options: [Option]
        var checked: Bool
        var error: String?
        var maxLength: Int?
        var autocomplete: String?
        var inputMode: String?
        var isTextarea: Bool { kind == .textarea }
    }

    var id: String
    var action: String
    var submit: String
    var fields: [Field]
    var errors: [FormErrors.Item]
    var hasErrors: Bool
    /// Shown folded (`<details>`) unless it has errors.
    var folded: Bool
    var summary: String?
    var isSecondary: Bool
}

/// Builds a `FormView` from the values typed (or stored) and the errors found.
struct FormBuilder {
    let req: Request
    let id: String
    let action: String
    var values: [String: String]
    var errors: FormErrors
    private(set) var fields: [FormView.Field] = []

    init(_ req: Request, id: String, action: String, values: [String: String] = [:], errors: FormErrors = .init()) {
        self.req = req
        self.id = id
        self.action = action
        self.values = values
        self.errors = errors
    }

    private func fieldID(_ name: String) -> String { "\(id)-\(name)".replacingOccurrences(of: "[", with: "-").replacingOccurrences(of: "]", with: "") }

    mutating func add(_ name: String, _ kind: FormView.Field.Kind, label: String, hint: String? = nil, options: [FormView.Option] = [],
                      maxLength: Int? = nil, autocomplete: String? = nil, inputMode: String? = nil, defaultValue: String = "") {
        let value = values[name] ?? defaultValue
        fields.append(.init(name: name, id: fieldID(name), kind: kind, label: req.t(label), hint: hint.map { req.t($0) }, value: value,
                            options: options.map { .init(value: $0.value, label: $0.label, selected: $0.value == value) },
                            checked: kind == .checkbox && (value == "on" || value == "true"), error: errors.byField[name], maxLength: maxLength,
                            autocomplete: autocomplete, inputMode: inputMode))
    }

    /// A select over an enum's cases, labelled from the string table.
    mutating func choice<T: CaseIterable & RawRepresentable>(_ name: String, _ type: T.Type, label: String, labelKey: (T) -> String, hint: String? = nil, emptyLabel: String? = "form.choose") where T.RawValue == String {
        var options = type.allCases.map { FormView.Option(value: $0.rawValue, label: req.t(labelKey($0)), selected: false) }
        if let emptyLabel { options.insert(.init(value: "", label: req.t(emptyLabel), selected: false), at: 0) }
        add(name, .select, label: label, hint: hint, options: options)
    }

    func build(submit: String, folded: Bool = false, summary: String? = nil, secondary: Bool = false) -> FormView {
        // Errors for fields the form does not show (found inside the transaction) are listed at the top.
        let shown = Set(fields.map(\.name))
        let items = errors.items.map { item in
            FormErrors.Item(field: shown.contains(item.field) ? fieldID(item.field) : id, message: item.message)
        }
        return FormView(id: id, action: action, submit: req.t(submit), fields: fields, errors: items, hasErrors: !errors.isEmpty,
                        folded: folded && errors.isEmpty, summary: summary.map { req.t($0) }, isSecondary: secondary)
    }
}

/// A page with several forms. When one of them fails, the page is drawn again with that form's
/// text and errors (`failed`), the others as they were.
protocol MultiFormPage {
    var req: Request { get }
    var failed: (id: String, values: [String: String], errors: FormErrors)? { get set }
    func render(status: HTTPStatus) async throws -> Response
}

extension MultiFormPage {
    /// A builder for the form `id`: the failed text when this form failed, else `defaults`.
    func builder(_ id: String, action: String, defaults: [String: String] = [:]) -> FormBuilder {
        let mine = failed?.id == id ? failed : nil
        return FormBuilder(req, id: id, action: action, values: mine?.values ?? defaults, errors: mine?.errors ?? .init())
    }
}

extension Request {
    /// Performs a form's change and redirects to `done`; a problem naming fields re-renders the
    /// page with the form's text and errors (422).
    func submitForm<Page: MultiFormPage>(_ formID: String, values: [String: String], done: String, page: () async throws -> Page,
                                         _ perform: () async throws -> Void) async throws -> Response {
        do {
            try await perform()
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            var shown = try await page()
            shown.failed = (formID, values, FormErrors(problem.fields, self))
            return try await shown.render(status: .unprocessableEntity)
        }
        return redirect(to: done, redirectType: .normal)
    }
}
