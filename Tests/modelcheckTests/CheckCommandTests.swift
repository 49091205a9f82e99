import Foundation
import Testing
@testable import ModelCheckCLI

/// `run`, `check`, `describe` and `list` from the command line: outputs and exit codes (SPEC §1).
@Suite struct CheckCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func model(_ name: String) -> String { root.appendingPathComponent("models/\(name)").path }

    func temporary(_ text: String) throws -> String { try TemporaryFile.write(text, "model") }

    static let small = """
    proposal iommufd
    iommu smmu format=tiny-4k-2x2 pasid-bits=4
    device a iommu=smmu pasid-bits=4
    device b iommu=smmu
    explore {
      objects ioas=1 hwpt=2
      iova 0x0..0x3fff
      lengths 4K
      pasids 1
      depth 4
    }

    """

    @Test func aKnownBadDesignIsAPassingRegressionTestWhenItsViolationIsFound() throws {
        let path = try temporary(Self.small + "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n")
        let c = Captured()
        // One worker: with several, any shortest counterexample may be printed (README).
        #expect(Tool.run(["check", "--workers", "1", path], console: c.console) == 0)
        #expect(c.stdout.contains("violation lifetime"))
        #expect(c.stdout.contains("counterexample (4 steps):"))
        #expect(c.stdout.contains("4. IOMMU_DESTROY id=1 => ok"))
        #expect(c.stdout.contains("a HWPT_PAGING still refers to its destroyed IOAS [hwpt 3, ioas 1]"))
    }

    @Test func anUnexpectedViolationIsExitOneAndAMissedOneToo() throws {
        let bad = try temporary(Self.small + "set destroy-check = none\n")
        #expect(Tool.run(["check", "--quiet", bad], console: Captured().console) == 1)
        let missed = try temporary(Self.small + "check lifetime\nexpect violation lifetime\n")
        #expect(Tool.run(["check", "--quiet", missed], console: Captured().console) == 1)
    }

    @Test func commandLineLimitsAreIncompleteExitThree() throws {
        let path = try temporary(Self.small)
        #expect(Tool.run(["check", "--quiet", "--max-states", "10", path], console: Captured().console) == 3)
        #expect(Tool.run(["check", "--quiet", "--max-depth", "2", path], console: Captured().console) == 3)
        #expect(Tool.run(["check", "--quiet", path], console: Captured().console) == 0)
    }

    @Test func jsonHasTheFieldsOfSpecSection3() throws {
        let path = try temporary(Self.small + "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n")
        let out = Captured()
        let trace = TemporaryFile.path("json")
        // One worker: the first step is checked, and several may print another shortest trace.
        #expect(Tool.run(["check", "--workers", "1", "--format", "json", "--trace-out", trace, path], console: out.console) == 0)
        let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        #expect(object?["verdict"] as? String == "violation")
        #expect(object?["expected"] as? String == "violation lifetime")
        #expect(object?["ok"] as? Bool == true)
        let stats = object?["stats"] as? [String: Any]
        #expect(stats?["distinctStates"] as? Int ?? 0 > 0)
        let violation = object?["violation"] as? [String: Any]
        let steps = violation?["trace"] as? [[String: Any]]
        #expect(steps?.count == 4)
        #expect(steps?.first?["op"] as? String == "IOMMU_IOAS_ALLOC")
        #expect(FileManager.default.fileExists(atPath: trace))
    }

    @Test func aTraceReplaysAndStopsReproducingWhenTheDesignIsFixed() throws {
        let bad = try temporary(Self.small + "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n")
        let trace = TemporaryFile.path("json")
        #expect(Tool.run(["check", "--quiet", "--workers", "1", "--trace-out", trace, bad], console: Captured().console) == 0)
        let c = Captured()
        #expect(Tool.run(["replay", bad, trace], console: c.console) == 0)
        #expect(c.stdout.contains("4. IOMMU_DESTROY id=1 => ok"))
        let fixed = try temporary(Self.small + "check lifetime\n")
        let f = Captured()
        #expect(Tool.run(["replay", fixed, trace], console: f.console) == 1)
        #expect(f.stdout.contains("=> EBUSY   (trace says ok)"))
        let truncated = TemporaryFile.path("json")
        try String(try String(contentsOfFile: trace, encoding: .utf8).prefix(80)).write(toFile: truncated, atomically: true, encoding: .utf8)
        let t = Captured()
        #expect(Tool.run(["replay", bad, truncated], console: t.console) == 2)
        // Located where the text stops, not at 1:1.
        #expect(t.stderr.hasPrefix("\(truncated):1:81: error: not valid JSON"), "\(t.stderr)")
    }

    @Test func aGoalIsReachedWithAWitness() throws {
        let deeper = Self.small.replacingOccurrences(of: "depth 4", with: "depth 5")
        let path = try temporary(deeper + "goal shared {\n  routed dev=a\n  routed dev=b\n}\nexpect reachable shared\n")
        let c = Captured()
        #expect(Tool.run(["check", path], console: c.console) == 0)
        #expect(c.stdout.contains("goal shared reached in 5 steps"))
        let never = try temporary(Self.small + "goal p {\n  routed dev=b pasid=1\n}\n")
        #expect(Tool.run(["check", "--quiet", never], console: Captured().console) == 1)
        let unreachable = try temporary(Self.small + "goal p {\n  routed dev=b pasid=1\n}\nexpect unreachable p\n")
        #expect(Tool.run(["check", "--quiet", unreachable], console: Captured().console) == 0)
    }

    /// The atoms a user asks first: do two devices share a domain, is a device attached, does an
    /// object exist, is an IOVA mapped. iommufd gives the second device the first one's automatic
    /// HWPT when both sit behind one IOMMU (device.c iommufd_device_auto_get_domain).
    @Test func goalAtomsForSharingAttachmentExistenceAndMappings() throws {
        let deeper = Self.small.replacingOccurrences(of: "depth 4", with: "depth 5")
        let goals = """
        goal share {
          shared dev=a with=b
        }
        goal attach {
          attached dev=a
        }
        goal two-hwpts {
          exists kind=hwpt count=2
        }
        goal map {
          mapped dev=a iova=0x1000 access=write
        }
        goal two-ioas {
          exists kind=ioas count=2
        }
        goal b-pasid {
          attached dev=b pasid=1
        }
        expect reachable share
        expect reachable attach
        expect reachable two-hwpts
        expect reachable map
        expect unreachable two-ioas
        expect unreachable b-pasid

        """
        let path = try temporary(deeper + goals)
        let c = Captured()
        #expect(Tool.run(["check", "--workers", "1", path], console: c.console) == 0, "\(c.stdout)\(c.stderr)")
        // bind a, bind b, IOAS, attach a, attach b; bind, IOAS, attach; IOAS, bind, two HWPTs;
        // IOAS, map, bind, attach.
        #expect(c.stdout.contains("goal share reached in 5 steps"), "\(c.stdout)")
        #expect(c.stdout.contains("goal attach reached in 3 steps"), "\(c.stdout)")
        #expect(c.stdout.contains("goal two-hwpts reached in 4 steps"), "\(c.stdout)")
        #expect(c.stdout.contains("goal map reached in 4 steps"), "\(c.stdout)")
        let typo = try temporary(Self.small + "goal g {\n  sharred dev=a with=b\n}\n")
        let e = Captured()
        #expect(Tool.run(["check", typo], console: e.console) == 2)
        #expect(e.stderr.contains("unknown goal atom 'sharred'; did you mean 'shared'? (expected one of: routed, joined, shared, attached, exists, mapped)"), "\(e.stderr)")
    }

    /// A failing step shows what it changed, and at most 40 lines of the state after it (a 2M
    /// map of 4K pages once printed 526 lines, one a leaf); leaves are one run.
    @Test func aFailingStepShowsItsChangesAndAShortState() throws {
        let text = """
        proposal iommufd
        iommu u format=arm-lpae-4k pgsizes=4K
        device a iommu=u
        scenario "wrong on purpose" {
          A = IOMMU_IOAS_ALLOC => ok
          VFIO_DEVICE_BIND_IOMMUFD dev=a => ok
          VFIO_DEVICE_ATTACH_IOMMUFD_PT dev=a pt_id=A => ok
          IOMMU_IOAS_MAP ioas_id=A flags=FIXED_IOVA|READABLE iova=0x200000 length=2M user_va=0x400000 => ok
          IOMMU_IOAS_MAP ioas_id=A flags=FIXED_IOVA|READABLE iova=0x400000 length=4K user_va=0x800000 => EEXIST
        }

        """
        let path = try temporary(text)
        let c = Captured()
        #expect(Tool.run(["run", path], console: c.console) == 1)
        #expect(c.stdout.contains("  the step changed:\n    + ioas 1 area [0x400000, 0x400fff] -> va 0x800000 r"), "\(c.stdout)")
        #expect(c.stdout.contains("domain 1 leaves 0x200000..0x3fffff -> 0x400000 512×4K r"), "\(c.stdout)")
        #expect(c.stdout.split(separator: "\n").count < 30, "\(c.stdout)")
    }

    /// `objects pasid=N` caps PASID attachments on iommufd (it was accepted and ignored). Two
    /// need five steps: bind, IOAS, a HWPT allocated with IOMMU_HWPT_ALLOC_PASID, two attaches.
    @Test func thePasidCapBoundsPasidAttachments() throws {
        func model(cap: Int) -> String {
            """
            proposal iommufd
            iommu u format=tiny-4k-2x2 pasid-bits=4
            device a iommu=u pasid-bits=4
            explore {
              objects ioas=1 hwpt=1 pasid=\(cap)
              iova 0x0..0x3fff
              lengths 4K
              pasids 1 2
              depth 5
            }
            goal two-pasids {
              attached dev=a pasid=1
              attached dev=a pasid=2
            }
            expect \(cap >= 2 ? "reachable" : "unreachable") two-pasids

            """
        }
        #expect(Tool.run(["check", "--quiet", try temporary(model(cap: 1))], console: Captured().console) == 0)
        #expect(Tool.run(["check", "--quiet", try temporary(model(cap: 2))], console: Captured().console) == 0)
    }

    /// Beside the visited-set and trace figures, the whole process's peak memory per state (issue 20).
    @Test func statisticsGiveTheProcessPeakMemoryPerState() throws {
        let path = try temporary(Self.small + "check all\n")
        let c = Captured()
        #expect(Tool.run(["check", "--format", "json", path], console: c.console) == 0)
        let d = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any] ?? [:]
        let stats = d["stats"] as? [String: Any] ?? [:]
        let peak = stats["peakResidentBytes"] as? Int ?? 0
        let states = stats["distinctStates"] as? Int ?? 0
        #expect(peak > 1 << 20, "a Swift process holds more than a megabyte")
        let perState = stats["processBytesPerState"] as? Double ?? 0
        #expect(states > 0 && abs(perState - Double(peak) / Double(states)) / perState < 0.05)
        let t = Captured()
        _ = Tool.run(["check", path], console: t.console)
        #expect(t.stdout.contains("process: peak "), "\(t.stdout)")
    }

    /// `--compact-visited` (with a table pre-sized past 2^23 slots, where the quotient layout
    /// starts) reaches the same states and verdict in less visited-set memory; the largest level's
    /// packed bytes are reported (issue 20).
    @Test func theCompactVisitedSetChangesMemoryNotResults() throws {
        let path = try temporary(Self.small + "check all\n")
        func stats(_ extra: [String]) throws -> [String: Any] {
            let c = Captured()
            #expect(Tool.run(["check", "--format", "json", "--expected-states", "7000000"] + extra + [path], console: c.console) == 0)
            let d = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any] ?? [:]
            return d["stats"] as? [String: Any] ?? [:]
        }
        let plain = try stats([]), compact = try stats(["--compact-visited"])
        #expect(plain["distinctStates"] as? Int == compact["distinctStates"] as? Int)
        #expect(plain["transitions"] as? Int == compact["transitions"] as? Int)
        let states = Double(plain["distinctStates"] as? Int ?? 1)
        // 2^24 slots: 8 bytes each, or 6 in the quotient layout.
        #expect(abs((plain["visitedBytesPerState"] as? Double ?? 0) - Double(1 << 24) * 8 / states) < 0.01)
        #expect(compact["visitedBytesPerState"] as? Double ?? 0 < Double(1 << 24) * 6.1 / states)
        #expect(plain["peakFrontierBytes"] as? Int ?? 0 > 0)
    }

    @Test func runPrintsTheClosingLineAndTAP() throws {
        let c = Captured()
        #expect(Tool.run(["run", Self.model("iommufd.model")], console: c.console) == 0)
        #expect(c.stdout.hasSuffix(" passed, 0 failed"))
        let failing = try temporary(Self.small + "scenario \"x\" {\n  IOMMU_IOAS_ALLOC => EINVAL\n}\nscenario \"y\" {\n  IOMMU_IOAS_ALLOC => ok\n}\n")
        let t = Captured()
        #expect(Tool.run(["run", "--format", "tap", failing], console: t.console) == 1)
        #expect(t.stdout.hasPrefix("TAP version 13\n1..2\nnot ok 1 - "))
        #expect(t.stdout.contains("\nok 2 - "))
        #expect(t.stdout.hasSuffix("# 1 passed, 1 failed"))
        let text = Captured()
        #expect(Tool.run(["run", failing], console: text.console) == 1)
        #expect(text.stdout.contains("expected: EINVAL"))
        #expect(text.stdout.contains("actual:   ok out_ioas_id=1"))
    }

    @Test func badInputIsExitTwoWithALocatedMessage() throws {
        let path = try temporary("proposal iommufd\nscenario \"s\" {\n  IOMMU_IOAS_ALOC => ok\n}\n")
        let c = Captured()
        #expect(Tool.run(["run", path], console: c.console) == 2)
        #expect(c.stderr.hasPrefix("\(path):3:3: error: unknown operation 'IOMMU_IOAS_ALOC'"))
        #expect(Tool.run(["check", Self.model("missing.model")], console: Captured().console) == 2)
        #expect(Tool.run(["check", "--strategy", "sideways", Self.model("example.model")], console: Captured().console) == 2)
    }

    @Test func describeAndListExplainEverything() {
        let d = Captured()
        #expect(Tool.run(["describe", Self.model("example.model")], console: d.console) == 0)
        #expect(d.stdout.contains("domain-scope = compatible (default)"))
        #expect(d.stdout.contains("device igfx: iommu igd"))
        let l = Captured()
        #expect(Tool.run(["list"], console: l.console) == 0)
        for word in ["iommufd", "vfio-type1", "stage2-pin-tables", "IOMMU_HWPT_ALLOC", "no-overlap", "lifetime"] {
            #expect(l.stdout.contains(word))
        }
    }
}

extension CheckCommandTests {
    @Test(arguments: ["bfs", "dfs"])
    func strategiesAndWorkersAgreeOnTheDistinctStateCount(strategy: String) throws {
        let path = try temporary(Self.small)
        var counts: [String] = []
        for workers in ["1", "2"] {
            let c = Captured()
            #expect(Tool.run(["check", "--format", "json", "--strategy", strategy, "--workers", workers, path], console: c.console) == 0)
            let object = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any]
            counts.append("\((object?["stats"] as? [String: Any])?["distinctStates"] ?? "?")")
        }
        #expect(counts[0] == counts[1])
        let bfs = Captured()
        _ = Tool.run(["check", "--format", "json", path], console: bfs.console)
        #expect(bfs.stdout.contains("\"distinctStates\": \(counts[0])"))
    }

    @Test func randomSimulationIsIncompleteOrFindsTheViolation() throws {
        let ok = try temporary(Self.small)
        #expect(Tool.run(["check", "--quiet", "--strategy", "random", "--walks", "50", ok], console: Captured().console) == 3)
        let bad = try temporary(Self.small + "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n")
        #expect(Tool.run(["check", "--quiet", "--strategy", "random", "--seed", "3", bad], console: Captured().console) == 0)
    }
}

/// Symmetry reduction: fewer states, the same verdicts and counterexample lengths.
@Suite struct SymmetryTests {
    static let three = """
    proposal iommufd
    iommu smmu format=tiny-4k-2x2 pasid-bits=4
    device a iommu=smmu pasid-bits=4
    device b iommu=smmu pasid-bits=4
    device c iommu=smmu pasid-bits=4
    explore {
      objects ioas=1 hwpt=2
      iova 0x0..0x3fff
      lengths 4K
      pasids 1
      depth 4
    }

    """

    func run(_ text: String, _ flags: [String]) throws -> [String: Any] {
        let path = try TemporaryFile.write(text, "model")
        let c = Captured()
        _ = Tool.run(["check", "--format", "json"] + flags + [path], console: c.console)
        return try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test(arguments: ["", "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n",
                      "set domain-scope = shared\n", "goal all {\n  routed dev=a\n  routed dev=b\n}\n"])
    func reducedAndFullSearchesAgree(extra: String) throws {
        let reduced = try run(Self.three + extra, [])
        let full = try run(Self.three + extra, ["--no-symmetry"])
        #expect(reduced["verdict"] as? String == full["verdict"] as? String)
        #expect(reduced["ok"] as? Bool == full["ok"] as? Bool)
        let r = (reduced["violation"] as? [String: Any])?["trace"] as? [Any]
        let f = (full["violation"] as? [String: Any])?["trace"] as? [Any]
        #expect(r?.count == f?.count)
        #expect((reduced["goals"] as? [String: String]) == (full["goals"] as? [String: String]))
        let rs = (reduced["stats"] as? [String: Any])?["distinctStates"] as? Int ?? 0
        let fs = (full["stats"] as? [String: Any])?["distinctStates"] as? Int ?? 0
        #expect(rs <= fs)
        if extra.isEmpty { #expect(rs * 2 < fs, "three interchangeable devices should cut the space well") }
    }
}

extension CheckCommandTests {
    @Test func dotDrawsTheViolatingRouteInRed() throws {
        let path = try temporary("""
        proposal iommufd
        set compat-check = none
        iommu a format=vtd-sl-4l pgsizes=4K coherent
        iommu igd format=vtd-sl-4l pgsizes=4K noncoherent
        device x iommu=a
        device gfx iommu=igd
        explore {
          objects ioas=1 hwpt=2
          iova 0x10000..0x11fff
          lengths 4K
          ops ioas bind attach
          depth 5
        }
        check compat
        expect violation compat

        """)
        let dot = TemporaryFile.path("dot")
        #expect(Tool.run(["check", "--quiet", "--workers", "1", "--dot", dot, path], console: Captured().console) == 0)
        let picture = try String(contentsOfFile: dot, encoding: .utf8)
        #expect(picture.hasPrefix("digraph state {"))
        #expect(picture.contains("dev1 -> domain1 [label=\"RID\", color=red, penwidth=2];"))
        #expect(picture.contains("dev0 -> domain1 [label=\"RID\"];"))
    }

    /// A type1 user holds a container, not an IOAS and HWPTs; a domain shows its leaves with
    /// their sizes and permissions (a 16K leaf is not "1 leaves"); a model that holds draws nothing.
    @Test func dotDrawsWhatTheDesignsUsersHold() throws {
        let dot = TemporaryFile.path("dot")
        let h11 = Self.model("seeds/h11-naive-partial-unmap.model")
        #expect(Tool.run(["check", "--quiet", "--workers", "1", "--dot", dot, h11], console: Captured().console) == 0)
        let picture = try String(contentsOfFile: dot, encoding: .utf8)
        #expect(picture.contains("container [shape=folder, label=\"container c\\ngroups x\\nTYPE1\\n[0x1000, 0x3fff] rw\"];"), "\(picture)")
        #expect(!picture.contains("IOAS"), "a type1 container is not drawn as an IOAS")
        #expect(!picture.contains("HWPT"))
        let v1 = TemporaryFile.path("dot")
        let fixed = Self.model("seeds/h11-fixed-vfio.model")
        _ = Tool.run(["check", "--quiet", "--dot", v1, fixed], console: Captured().console)
        #expect(!FileManager.default.fileExists(atPath: v1), "a model that holds has no counterexample to draw")
        let c = Captured()
        _ = Tool.run(["check", "--quiet", "--dot", v1, fixed], console: c.console)
        #expect(c.stderr.contains("no counterexample, so --dot wrote nothing"))
        // Leaves with sizes: the H1 shared-domain hazard maps a 16K leaf behind a 4K-only unit.
        let h1 = TemporaryFile.path("dot")
        #expect(Tool.run(["check", "--quiet", "--workers", "1", "--dot", h1, Self.model("seeds/h1-shared-domain-pgsizes.model")], console: Captured().console) == 0)
        let leaves = try String(contentsOfFile: h1, encoding: .utf8)
        #expect(leaves.range(of: #"\\n0x[0-9a-f]+\+(16K|2M) r"#, options: .regularExpression) != nil, "\(leaves)")
    }

    /// SPEC §3: a stale guest IOTLB entry is a warning with a trace, not a violation.
    @Test func aStaleGuestIOTLBEntryIsAWarningWithATrace() throws {
        let path = Self.model("stale-guest-iotlb.model")
        let c = Captured()
        // One worker prints one trace every run; two may print another of the same length (README).
        #expect(Tool.run(["check", "--workers", "1", path], console: c.console) == 0)
        #expect(c.stdout.contains("holds — expected holds"))
        #expect(c.stdout.contains("warning: stale-guest-iotlb"))
        #expect(c.stdout.contains("9. GUEST_S1_UNMAP hwpt_id=4 iova=0x0 length=0x1000 => ok"))
        let two = Captured()
        #expect(Tool.run(["check", "--workers", "2", path], console: two.console) == 0)
        #expect(two.stdout.contains("warning: stale-guest-iotlb"))
        #expect(two.stdout.contains("9. GUEST_S1_UNMAP hwpt_id=4 iova="))
        let j = Captured()
        #expect(Tool.run(["check", "--format", "json", path], console: j.console) == 0)
        #expect(j.stdout.contains("\"warnings\":[{\"kind\":\"stale-guest-iotlb\"") || j.stdout.contains("\"warnings\": [{\"kind\": \"stale-guest-iotlb\""))
    }
}
