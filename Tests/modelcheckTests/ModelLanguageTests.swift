import Testing
@testable import IOASIDModel

/// Diagnostics of the model language: each bad input names the file, line and column, and
/// offers the closest name where one was misspelt.
@Suite struct ModelLanguageTests {
    static let header = """
    proposal iommufd
    iommu smmu format=arm-lpae-4k pgsizes=4K,2M pasid-bits=20
    device gpu iommu=smmu pasid-bits=20

    """

    func diagnostic(_ text: String) -> Diagnostic? {
        do {
            _ = try ModelLoader.load(text, path: "m.model")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("scenario \"s\" {\n  IOMMU_IOAS_ALOC => ok\n}", 5, 3, "unknown operation 'IOMMU_IOAS_ALOC'; did you mean 'IOMMU_IOAS_ALLOC'?"),
        ("scenario \"s\" {\n  IOMMU_IOAS_MAP ioas=1 => ok\n}", 5, 18, "IOMMU_IOAS_MAP has no field 'ioas'; did you mean 'ioas_id'?"),
        ("scenario \"s\" {\n  IOMMU_DESTROY id=A => ok\n}", 5, 20, "'A' is not bound by an earlier step or a known constant"),
        ("scenario \"s\" {\n  IOMMU_DESTROY id=0x100000000 => ok\n}", 5, 20, "value 0x100000000 is out of range (at most 0xffffffff)"),
        ("scenario \"s\" {\n  IOMMU_DESTROY id=1\n}", 5, 21, "every scenario step needs '=> RESULT'"),
        ("scenario \"s\" {\n  IOMMU_DESTROY id=1 => EWHAT\n}", 5, 25, "unknown result 'EWHAT'"),
        ("scenario \"s\" {\n  VFIO_DEVICE_BIND_IOMMUFD dev=gpx => ok\n}", 5, 32, "unknown device 'gpx'; did you mean 'gpu'?"),
        ("memfd m", 4, 7, "memfd 'm' needs size=SIZE"),
        ("memfd m size=4K vaa=0x1000", 4, 17, "unknown memfd attribute 'vaa'; did you mean 'va'?"),
        ("memfd m size=8K va=0xfffffffffffff000", 4, 7, "memfd 'm' at 0xfffffffffffff000 wraps past 2^64"),
        ("memfd gpu size=4K", 4, 7, "duplicate name 'gpu'"),
        ("memory 0x1000+4K hug", 4, 18, "expected 'ro', 'invalid' or 'huge'; did you mean 'huge'?"),
        ("scenario \"s\" {\n  A = IOMMU_IOAS_ALLOC => ok\n  A = IOMMU_IOAS_ALLOC => ok\n}", 6, 3, "'A' is already bound in this scenario"),
        ("scenario \"s\" {\n  gpu = IOMMU_IOAS_ALLOC => ok\n}", 5, 3, "'gpu' is a device, IOMMU, group or memfd name and cannot be bound"),
        ("scenario \"s\" {\n  IOMMU_IOAS_ALLOC => ok\n", 4, 1, "'scenario' block is not closed: expected '}' before the end of the file"),
        ("set domain-scop = instance", 4, 5, "unknown knob 'domain-scop'; did you mean 'domain-scope'?"),
        ("set type1-version = v1", 4, 5, "knob 'type1-version' does not belong to proposal 'iommufd' (owners: vfio-type1; iommufd's knobs: compat-check, domain-scope, pasid-scope, multi-attach, stage2-pin-tables, unmap-large-leaf, destroy-check, dirty-clear, vdevice-unbind, vdevice-virt-id, hw-queue-lock, nested-iotlb-flush, smmu-invalidate-error, iopf-detach, access-driver)"),
        ("set domain-scope = sharde", 4, 20, "'sharde' is not a value of 'domain-scope'; did you mean 'shared'?"),
        ("check translaton", 4, 7, "unknown invariant 'translaton'; did you mean 'translation'?"),
        ("explore {\n  depht 3\n}", 5, 3, "unknown explore statement 'depht'; did you mean 'depth'?"),
        ("explore {\n  iova 0..0x1fffffff\n  lengths 4K\n  depth 2\n}", 5, 8, "the window spans more than 2^16 pages of the smallest length (4K)"),
        ("devise nic iommu=smmu", 4, 1, "unknown statement 'devise'; did you mean 'device'?"),
        ("device nic iommu=smu", 4, 18, "unknown IOMMU 'smu'; did you mean 'smmu'?"),
        ("iommu x format=arm-lpae-4kk", 4, 16, "unknown format preset 'arm-lpae-4kk'; did you mean 'arm-lpae-4k'?"),
        ("scenario \"s\" {\n  TRANSLATE dev=gpu iova=0 access=read => FAULT stage=3\n}", 5, 55, "value 3 is out of range (at most 0x2)"),
        ("host cap-ipc-lok", 4, 6, "unknown host attribute 'cap-ipc-lok'; did you mean 'cap-ipc-lock'?"),
        ("host cap-ipc-lock=1", 4, 6, "host cap-ipc-lock takes no value"),
        ("host page-size", 4, 6, "host page-size needs a value: page-size=4K"),
    ] as [(String, Int, Int, String)])
    func badInputIsALocatedError(_ tail: String, _ line: Int, _ column: Int, _ message: String) throws {
        let d = try #require(diagnostic(Self.header + tail))
        #expect(d.message.withoutChoices == message)
        #expect(d.location.line == line)
        #expect(d.location.column == column)
        #expect(d.description.hasPrefix("m.model:\(line):\(column): error: "))
    }

    @Test func anUnknownProposalIsRefusedByName() throws {
        #expect(diagnostic("proposal iommufdd\n")?.message == "unknown proposal 'iommufdd'; did you mean 'iommufd'? (expected one of: iommufd, vfio-type1, iommu-api, bind-table, vfio-pasid-request, dev-ioasid)")
    }

    static let type1 = """
    proposal vfio-type1
    iommu a format=tiny-4k-2x2
    device x iommu=a

    """

    /// The container's operations belong to vfio-type1, and need a declared container.
    @Test(arguments: [
        (header + "container c", 4, 11, "'container' needs a proposal with containers; iommufd has none"),
        (header + "scenario \"s\" {\n  VFIO_GROUP_SET_CONTAINER group=x => ok\n}", 5, 3,
         "VFIO_GROUP_SET_CONTAINER is not an operation of proposal 'iommufd' but of 'vfio-type1' (see 'modelcheck list')"),
        (type1 + "container c\ncontainer d", 5, 11, "this version models one container per model"),
        (type1 + "scenario \"s\" {\n  VFIO_SET_IOMMU arg=TYPE1v2 => ok\n}", 5, 3,
         "VFIO_SET_IOMMU needs a container: declare one with 'container NAME'"),
        (type1 + "container c\nscenario \"s\" {\n  VFIO_GROUP_SET_CONTAINER group=z container=c => ok\n}", 6, 34,
         "unknown group 'z'; did you mean 'x'?"),
        (type1 + "container c\nscenario \"s\" {\n  VFIO_GROUP_SET_CONTAINER container=c => ok\n}", 6, 3,
         "VFIO_GROUP_SET_CONTAINER needs group=GROUP"),
        (type1 + "container c\nscenario \"s\" {\n  IOMMU_IOAS_ALLOC => ok\n}", 6, 3,
         "IOMMU_IOAS_ALLOC is not an operation of proposal 'vfio-type1' but of 'iommufd' (see 'modelcheck list')"),
        (type1 + "set compat-check = join", 4, 5, "knob 'compat-check' does not belong to proposal 'vfio-type1' (owners: iommufd, dev-ioasid; vfio-type1's knobs: domain-scope, pgsize-source, unmap-large-leaf, destroy-check, type1-impl, type1-version)"),
        (type1 + "container c quota=4", 4, 13, "'quota=' is for a VM with a PASID quota (vfio-type1 has none)"),
        (type1 + "container c qouta=4", 4, 13, "unknown container attribute 'qouta'; did you mean 'quota'?"),
    ] as [(String, Int, Int, String)])
    func containerMistakesAreLocatedErrors(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        let d = try #require(diagnostic(text))
        #expect(d.message.withoutChoices == message)
        #expect(d.location.line == line)
        #expect(d.location.column == column)
    }

    @Test func theSpecExampleParsesAsWritten() throws {
        let model = try ModelLoader.load(Self.header + """
        scenario "names, offsets, flags and outputs" {
          A = IOMMU_IOAS_ALLOC                                                  => ok out_ioas_id=1
          X = IOMMU_IOAS_MAP ioas_id=A flags=READABLE|WRITEABLE length=8K user_va=0x200000 => ok iova=0x2000
          IOMMU_IOAS_UNMAP ioas_id=A iova=X+0x1000 length=4K                    => ENOENT   # a comment after the result
          IOMMU_IOAS_UNMAP ioas_id=A iova=X length=8K                           => ok length=8K
        }
        """, path: "m.model")
        #expect(model.scenarios[0].steps.count == 4)
        #expect(ScenarioRunner.run(model.scenarios[0], in: model).passed)
    }
}

