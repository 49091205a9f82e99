/// A step whose result differed from the vector's expectation.
public struct VectorFailure: Hashable, Sendable {
    public var vector: String
    public var line: Int
    public var lineText: String
    public var expected: String
    public var actual: String
}

/// What running a vector file found.
public struct VectorReport: Sendable {
    public var path: String
    public var formatName: String
    public var vectors: Int
    public var passed: Int
    public var failures: [VectorFailure]
}

/// The tables a vector acts on, in the shape of its file's setup.
public struct VectorTables: Sendable {
    public var main: PageTable
    public var stage2: PageTable?
    public var stage: TranslationStage

    init(_ setup: VectorSetup) {
        switch setup {
        case .single(let t, let stage): (main, stage2, self.stage) = (t, nil, stage)
        case .nested(let s1, let s2): (main, stage2, stage) = (s1, s2, .stage1)
        }
    }

    /// Walks as a `walk` step on `choice` does: a two-stage walk for `main` in a nested setup.
    public func walk(_ choice: TableChoice, iova: UInt64, access: Access?) -> WalkResult {
        switch (choice, stage2) {
        case (.main, let s2?): return NestedWalk.walk(stage1: main, stage2: s2, iova: iova, access: access)
        case (.s2, let s2?): return s2.walk(iova, access: access, stage: .stage2)
        default: return main.walk(iova, access: access, stage: stage)
        }
    }
}

/// Runs vector files against the translation core.
public enum VectorRunner {
    /// Runs every vector of `file` from empty tables.
    public static func run(_ file: VectorFile) -> VectorReport {
        var report = VectorReport(path: file.path, formatName: file.setup.formatName, vectors: file.vectors.count, passed: 0, failures: [])
        for vector in file.vectors {
            var tables = VectorTables(file.setup)
            var failed = false
            for step in vector.steps {
                let actual = perform(step.operation, on: &tables)
                if let mismatch = compare(step.expectation, actual) {
                    report.failures.append(VectorFailure(vector: vector.name, line: step.line, lineText: step.lineText,
                                                         expected: mismatch.expected, actual: mismatch.actual))
                    failed = true
                    break
                }
            }
            if !failed { report.passed += 1 }
        }
        return report
    }

    /// The walks of `file`'s vectors, each paired with the tables as they stood when the vector
    /// walked: a workload for measuring walks per second.
    public static func walkWorkload(_ file: VectorFile) -> [(tables: VectorTables, choice: TableChoice, iova: UInt64, access: Access?)] {
        var work: [(VectorTables, TableChoice, UInt64, Access?)] = []
        for vector in file.vectors {
            var tables = VectorTables(file.setup)
            for step in vector.steps {
                if case .walk(let choice, let iova, let access) = step.operation { work.append((tables, choice, iova, access)) }
                _ = perform(step.operation, on: &tables)
            }
        }
        return work
    }

    /// What a step's operation produced.
    enum Actual {
        case status(Errno?)
        case bytes(UInt64)
        case walk(WalkResult)
        case leaves([Leaf], PageTableFormat)
        case count(Int)
    }

    static func perform(_ operation: VectorOperation, on tables: inout VectorTables) -> Actual {
        func withTable<R>(_ choice: TableChoice, _ body: (inout PageTable) -> R) -> R {
            if choice == .s2, tables.stage2 != nil { return body(&tables.stage2!) }
            return body(&tables.main)
        }
        switch operation {
        case .map(let choice, let iova, let paddr, let size, let permissions, let stage, let tableAddress):
            let effectiveStage = stage ?? (choice == .s2 ? .stage2 : tables.stage)
            let placement: TablePlacement = choice == .s1 ? .guest(first: tableAddress) : .kernel
            return withTable(choice) { table in
                do throws(Errno) {
                    try table.map(iova: iova, paddr: paddr, size: size, permissions: permissions, stage: effectiveStage, placement: placement)
                    return .status(nil)
                } catch {
                    return .status(error)
                }
            }
        case .unmap(let choice, let iova, let size, let largeLeaf):
            let placement: TablePlacement = choice == .s1 ? .guest(first: nil) : .kernel
            return .bytes(withTable(choice) { $0.unmap(iova: iova, size: size, largeLeaf: largeLeaf, placement: placement) })
        case .walk(let choice, let iova, let access):
            return .walk(tables.walk(choice, iova: iova, access: access))
        case .leaves(let choice):
            return withTable(choice) { .leaves($0.leaves, $0.format) }
        case .tables(let choice):
            return withTable(choice) { .count($0.tables.count) }
        }
    }

    /// nil when `actual` meets `expected`; otherwise both, spelt as a vector would spell them.
    static func compare(_ expected: VectorExpectation, _ actual: Actual) -> (expected: String, actual: String)? {
        switch (expected, actual) {
        case (.status(let e), .status(let a)):
            return e == a ? nil : (e?.name ?? "ok", a?.name ?? "ok")
        case (.bytes(let e), .bytes(let a)):
            return e == a ? nil : (SizeText.format(e), SizeText.format(a))
        case (.count(let e), .count(let a)):
            return e == a ? nil : ("\(e)", "\(a)")
        case (.leaves(let e), .leaves(let a, let format)):
            let matches = e.count == a.count && zip(e, a).allSatisfy { want, got in
                want.iova == got.iova && want.size == format.entrySize(Int(got.level)) && (want.output.map { $0 == got.output } ?? true)
            }
            guard !matches else { return nil }
            let spelt = Self.runs(a.map { ($0.iova, format.entrySize(Int($0.level)), Optional($0.output)) })
            let want = Self.runs(e.map { ($0.iova, $0.size, $0.output) })
            return (want, spelt)
        case (.translated(let output, let page, let level, let refs, let perms), .walk(let result)):
            guard case .translated(let t) = result,
                  t.output == output, page.map({ $0 == t.pageSize }) ?? true, level.map({ $0 == t.level }) ?? true,
                  refs.map({ $0 == t.refs }) ?? true, perms.map({ $0 == t.permissions }) ?? true
            else { return (describe(expected), describe(result)) }
            return nil
        case (.fault(let kind, let stage, let level, let refs, let site), .walk(let result)):
            guard case .fault(let f) = result,
                  kind.map({ $0 == f.kind }) ?? true, stage.map({ $0 == f.stage }) ?? true,
                  level.map({ $0 == f.level }) ?? true, refs.map({ $0 == f.refs }) ?? true,
                  site.map({ siteMatches($0, f.site) }) ?? true
            else { return (describe(expected), describe(result)) }
            return nil
        default:
            return ("(a result of another kind)", "(mismatched step)")
        }
    }

    /// Leaves as the vector language writes them (`IOVA+SIZE@OUTPUT`), contiguous ones coalesced
    /// into one `×N` run and at most 16 runs shown, so that a failure is a readable line.
    static func runs(_ leaves: [(iova: UInt64, size: UInt64, output: UInt64?)]) -> String {
        var runs: [(iova: UInt64, size: UInt64, output: UInt64?, count: UInt64)] = []
        for l in leaves {
            if let r = runs.last, r.size == l.size, r.iova &+ r.count &* r.size == l.iova,
               (r.output == nil && l.output == nil) || (r.output.map { $0 &+ r.count &* r.size } == l.output && l.output != nil) {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((l.iova, l.size, l.output, 1))
            }
        }
        guard !runs.isEmpty else { return "none" }
        let words = runs.prefix(16).map { r in
            "\(SizeText.hex(r.iova))+\(SizeText.format(r.size))" + (r.output.map { "@" + SizeText.hex($0) } ?? "") + (r.count > 1 ? "×\(r.count)" : "")
        }
        return words.joined(separator: " ") + (runs.count > 16 ? " … and \(runs.count - 16) more runs" : "")
    }

    static func siteMatches(_ expected: ExpectedFaultSite, _ actual: FaultSite) -> Bool {
        switch (expected, actual) {
        case (.output, .output): return true
        case (.stage1Table(let want), .stage1TableFetch(let got)): return want.map { $0 == got } ?? true
        default: return false
        }
    }

    /// A walk result spelt as a vector writes it.
    public static func describe(_ result: WalkResult) -> String {
        switch result {
        case .translated(let t):
            return "\(SizeText.hex(t.output)) page=\(SizeText.format(t.pageSize)) level=\(t.level) refs=\(t.refs) perm=\(t.permissions)"
        case .fault(let f):
            var s = "FAULT kind=\(f.kind.rawValue) stage=\(f.stage.rawValue) level=\(f.level) refs=\(f.refs)"
            switch f.site {
            case .output: s += " on=output"
            case .stage1TableFetch(let level): s += " on=s1-table s1-level=\(level)"
            }
            return s
        }
    }

    static func describe(_ expected: VectorExpectation) -> String {
        switch expected {
        case .translated(let output, let page, let level, let refs, let perms):
            var s = SizeText.hex(output)
            if let page { s += " page=\(SizeText.format(page))" }
            if let level { s += " level=\(level)" }
            if let refs { s += " refs=\(refs)" }
            if let perms { s += " perm=\(perms)" }
            return s
        case .fault(let kind, let stage, let level, let refs, let site):
            var s = "FAULT"
            if let kind { s += " kind=\(kind.rawValue)" }
            if let stage { s += " stage=\(stage.rawValue)" }
            if let level { s += " level=\(level)" }
            if let refs { s += " refs=\(refs)" }
            switch site {
            case .output?: s += " on=output"
            case .stage1Table(let l)?: s += " on=s1-table" + (l.map { " s1-level=\($0)" } ?? "")
            case nil: break
            }
            return s
        default:
            return "\(expected)"
        }
    }
}
