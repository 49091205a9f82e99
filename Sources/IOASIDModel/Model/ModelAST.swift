/// A word of a model file with where it was written, kept through parsing so that semantic errors
/// point at the right column.
public struct Located<Value: Hashable & Sendable>: Hashable, Sendable {
    public var value: Value
    public var location: SourceLocation
    public init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// `key=value` as written (`value` is nil for a bare flag such as `coherent`).
public struct Attribute: Hashable, Sendable {
    public var key: Located<String>
    public var value: Located<String>?
}

/// One statement line inside a block or at top level, split into words.
public struct StatementLine: Hashable, Sendable {
    public var words: [Located<String>]
    public var lineText: String
    public var line: Int
}

/// A scenario step as written: `[NAME =] OP field=value… => RESULT`.
public struct StepSyntax: Hashable, Sendable {
    public var binding: Located<String>?
    public var operation: Located<String>
    public var fields: [Attribute]
    public var result: Located<String>
    public var resultFields: [Attribute]
    public var lineText: String
}

/// `scenario "NAME" { … }`.
public struct ScenarioSyntax: Hashable, Sendable {
    public var name: Located<String>
    public var steps: [StepSyntax]
    /// A last line `expect violation INV`.
    public var expectViolation: Located<String>?
}

/// `goal NAME { … }`: atoms, each a line.
public struct GoalSyntax: Hashable, Sendable {
    public var name: Located<String>
    public var atoms: [StatementLine]
}

/// The parsed file before semantic checks: each statement keeps its words and locations.
public struct ModelSyntax: Hashable, Sendable {
    public var path: String
    public var lines: [String]
    public var title: Located<String>?
    public var proposal: Located<String>?
    public var knobs: [(knob: Located<String>, value: Located<String>)] = []
    public var iommus: [(name: Located<String>, attributes: [Attribute])] = []
    public var devices: [(name: Located<String>, attributes: [Attribute])] = []
    public var memory: [StatementLine] = []
    public var memfds: [(name: Located<String>, attributes: [Attribute])] = []
    public var host: [Attribute] = []
    public var vsva: StatementLine?
    public var containers: [Located<String>] = []
    /// The attributes written after each container's name (`quota=N`), parallel to `containers`.
    public var containerAttributes: [[Attribute]] = []
    public var explore: [StatementLine]?
    public var exploreLocation: SourceLocation?
    public var checks: [Located<String>]?
    public var expects: [StatementLine] = []
    public var goals: [GoalSyntax] = []
    public var scenarios: [ScenarioSyntax] = []

    public init(path: String, lines: [String]) {
        self.path = path
        self.lines = lines
    }

    public static func == (a: ModelSyntax, b: ModelSyntax) -> Bool { a.path == b.path && a.lines == b.lines }
    public func hash(into h: inout Hasher) { h.combine(path); h.combine(lines) }
}
