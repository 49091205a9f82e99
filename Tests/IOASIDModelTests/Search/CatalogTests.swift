import Explorer
import Testing
@testable import IOASIDModel

/// The operation catalog is the one list: every kind's row, name, coverage label and the
/// operation built from its fields agree (the coverage counters were once filed under the wrong
/// operations by a hand-numbered index).
struct CatalogTests {
    /// A step of `kind` with every field present, as the scenario loader would hand it over.
    static func arguments(for spec: OperationSpec) -> [String: ArgValue] {
        var args: [String: ArgValue] = [:]
        for (name, kind) in spec.fields {
            switch kind {
            case .device: args[name] = .device(0)
            case .access: args[name] = .access(.read)
            case .preset: args[name] = .preset(.tiny2x2)
            case .signed: args[name] = .signed(-1)
            case .array: args[name] = .array([0x1000])
            default: args[name] = .number(1)
            }
        }
        return args
    }

    @Test(arguments: IOMMUFDOperation.Kind.allCases)
    func everyKindBuildsAnOperationOfThatKind(kind: IOMMUFDOperation.Kind) throws {
        let spec = IOMMUFDOperation.catalog.spec(kind)
        #expect(IOMMUFDOperation.catalog.specs.firstIndex(of: spec) == kind.rawValue || spec.name == "GUEST_S1_MAP")
        let op = try #require(IOMMUFDOperation(kind: kind, arguments: Self.arguments(for: spec)))
        #expect(op.kind == kind)
        #expect(op.name == spec.name)
    }

    @Test func coverageFilesEachOperationUnderItsOwnName() throws {
        let coverage = Coverage<IOMMUFDOperation>()
        var expected: [String: Int] = [:]
        for kind in IOMMUFDOperation.Kind.allCases {
            let spec = IOMMUFDOperation.catalog.spec(kind)
            let op = try #require(IOMMUFDOperation(kind: kind, arguments: Self.arguments(for: spec)))
            coverage.record(op, .errno(.EINVAL))
            expected[spec.name, default: 0] += 1
        }
        let snapshot = coverage.snapshot
        #expect(snapshot.count == expected.count)
        for (name, count) in expected { #expect(snapshot[name]?["EINVAL"] == count, "\(name)") }
    }

    @Test func everyRegisteredDesignOffersOnlyRowsOfItsCatalog() {
        for type in ProposalRegistry.standard.types {
            #expect(!type.operationNames.isEmpty, "\(type.name)")
            #expect(Set(type.operationNames).count == type.operationNames.count, "\(type.name) offers one name twice")
        }
    }
}
