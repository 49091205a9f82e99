/// Scenario steps: operations, fields, bound names and results.
extension ModelLoader {
    func scenario(_ s: ScenarioSyntax, _ topology: Topology) throws(Diagnostic) -> Scenario {
        var bound: Set<String> = []
        var steps: [ScenarioStep] = []
        for step in s.steps {
            let opWord = step.operation
            guard let (kind, spec) = proposal.catalogRow(named: opWord.value) else {
                if let other = registry.types.first(where: { $0.catalogRow(named: opWord.value) != nil }) {
                    throw error("\(opWord.value) is not an operation of proposal '\(proposal.name)' but of '\(other.name)' (see 'modelcheck list')", at: opWord)
                }
                throw error(Suggestion.message("unknown operation '\(opWord.value)'", for: opWord.value,
                                               in: proposal.operationNames), at: opWord)
            }
            // A design with one implicit container (bind-table's stage 2) needs no declaration.
            if spec.fields["container"] != nil, containerNames.isEmpty, !proposal.features.contains(.implicitContainer) {
                throw error("\(spec.name) needs a container: declare one with 'container NAME'", at: opWord)
            }
            var fields: [String: ValueExpr] = [:]
            var arrayCount: Int?
            for f in step.fields {
                let key = f.key.value
                guard let kind = spec.fields[key] else {
                    throw error(Suggestion.message("\(spec.name) has no field '\(key)'", for: key, in: spec.fieldOrder), at: f.key)
                }
                if fields[key] != nil { throw error("field '\(key)' is written twice", at: f.key) }
                let written = try valueWord(f)
                let value = try fieldValue(written, kind, bound: bound)
                if case .array(let items) = value {
                    if let n = arrayCount, n != items.count { throw error("array fields must have the same number of items", at: written) }
                    arrayCount = items.count
                }
                fields[key] = value
            }
            if spec.fields["dev"] != nil, fields["dev"] == nil {
                throw error("\(spec.name) needs dev=DEVICE (the device whose fd it is issued on)", at: opWord)
            }
            for (field, what) in [("group", "GROUP"), ("iommu", "IOMMU")] where spec.fields[field] != nil && fields[field] == nil {
                throw error("\(spec.name) needs \(field)=\(what)", at: opWord)
            }
            let expected = try result(step, spec, bound: bound)
            if let b = step.binding {
                if deviceNames.contains(b.value) || iommuNames.contains(b.value) || groupNames.contains(b.value) || memfdNames.contains(b.value) {
                    throw error("'\(b.value)' is a device, IOMMU, group or memfd name and cannot be bound", at: b)
                }
                if bound.contains(b.value) { throw error("'\(b.value)' is already bound in this scenario", at: b) }
                if IOMMUFDConstants.named[b.value] != nil || NumberLiteral.constants[b.value] != nil {
                    throw error("'\(b.value)' is a constant name and cannot be bound", at: b)
                }
                bound.insert(b.value)
            }
            steps.append(ScenarioStep(binding: step.binding?.value, operation: spec.name, kind: kind, fields: fields, expected: expected,
                                      location: opWord.location, lineText: step.lineText))
        }
        var violation: InvariantName?
        if let w = s.expectViolation {
            guard let i = invariant(w) else {
                throw error(Suggestion.message("unknown invariant '\(w.value)'", for: w.value, in: proposal.invariantNames.map(\.rawValue)), at: w)
            }
            violation = i
        }
        return Scenario(name: s.name.value, location: s.name.location, steps: steps, expectViolation: violation)
    }

    /// A number, a bound name, or `NAME±N`.
    func numberExpr(_ w: Located<String>, bound: Set<String>, max: UInt64 = .max) throws(Diagnostic) -> NumberExpr {
        if let c = IOMMUFDConstants.named[w.value] { return .literal(c) }
        // A memfd's name is its fd (Topology.memfdFD), after the devices' fds.
        if let m = memfdNames.firstIndex(of: w.value) { return .literal(UInt64(4 + deviceNames.count + m)) }
        if let first = w.value.unicodeScalars.first, ("0"..."9").contains(first) || NumberLiteral.constants[w.value] != nil {
            return .literal(try number(w, max: max))
        }
        // NAME+N / NAME-N when NAME is bound and N starts with a digit; otherwise the whole token.
        for sign in ["+", "-"] {
            let parts = split(w, on: sign)
            if parts.count == 2, bound.contains(parts[0].value), let d = parts[1].value.unicodeScalars.first, ("0"..."9").contains(d) {
                let n = try number(parts[1], max: UInt64(Int64.max))
                return .name(parts[0].value, offset: sign == "+" ? Int64(n) : -Int64(n))
            }
        }
        guard bound.contains(w.value) else {
            let candidates = Array(bound) + memfdNames + Array(IOMMUFDConstants.named.keys)
            throw error(Suggestion.message("'\(w.value)' is not bound by an earlier step or a known constant", for: w.value, in: candidates), at: w)
        }
        return .name(w.value, offset: 0)
    }

    func fieldValue(_ w: Located<String>, _ kind: FieldKind, bound: Set<String>) throws(Diagnostic) -> ValueExpr {
        switch kind {
        case .u32: return .number(try numberExpr(w, bound: bound, max: UInt64(UInt32.max)))
        case .u64: return .number(try numberExpr(w, bound: bound))
        case .flags:
            var v: UInt64 = 0
            for term in split(w, on: "|") {
                if let c = IOMMUFDConstants.named[term.value] { v |= c; continue }
                guard let f = term.value.unicodeScalars.first, ("0"..."9").contains(f) else {
                    throw error(Suggestion.message("unknown flag '\(term.value)'", for: term.value, in: Array(IOMMUFDConstants.named.keys)), at: term)
                }
                v |= try number(term, max: UInt64(UInt32.max))
            }
            return .number(.literal(v))
        case .device: return .device(try deviceIndex(w))
        case .group:
            guard let g = groupNames.firstIndex(of: w.value) else {
                throw error(Suggestion.message("unknown group '\(w.value)'", for: w.value, in: groupNames), at: w)
            }
            return .number(.literal(UInt64(g)))
        case .iommu:
            guard let i = iommuNames.firstIndex(of: w.value) else {
                throw error(Suggestion.message("unknown IOMMU '\(w.value)'", for: w.value, in: iommuNames), at: w)
            }
            return .number(.literal(UInt64(i)))
        case .container:
            guard let c = containerNames.firstIndex(of: w.value) else {
                let known = containerNames.isEmpty ? " (declare it with 'container \(w.value)')" : ""
                throw error(Suggestion.message("unknown container '\(w.value)'\(known)", for: w.value, in: containerNames), at: w)
            }
            return .number(.literal(UInt64(c)))
        case .signed:
            switch NumberLiteral.parseSigned(Substring(w.value)) {
            case .success(let v): return .signed(v)
            case .failure: throw error("expected a signed number, found '\(w.value)'", at: w)
            }
        case .array:
            return .array(try split(w, on: ",").map { p throws(Diagnostic) in try numberExpr(p, bound: bound) })
        case .preset: return .preset(try preset(w))
        case .access:
            guard let a = Access(rawValue: w.value) else { throw error("access is read or write", at: w) }
            return .access(a)
        }
    }

    func result(_ step: StepSyntax, _ spec: OperationSpec, bound: Set<String>) throws(Diagnostic) -> ExpectedResult {
        let r = step.result
        let status: ExpectedResult.Status
        var allowed = spec.outputs
        if r.value == "ok" {
            status = .ok
        } else if r.value == "FAULT" {
            guard spec.isAccess else { throw error("only a DMA (TRANSLATE) can fault; \(spec.name) is not one", at: r) }
            var stage: Int?, level: Int?
            for f in step.resultFields {
                switch f.key.value {
                case "stage": stage = Int(try number(try valueWord(f), max: 2))
                case "level": level = Int(try number(try valueWord(f), max: 8))
                default: throw error("a FAULT reports stage= and level=", at: f.key)
                }
            }
            return ExpectedResult(status: .fault(stage: stage, level: level), outputs: [], text: step.lineText)
        } else if let e = Errno(name: r.value) {
            status = .errno(e)
        } else if let f = r.value.unicodeScalars.first, ("0"..."9").contains(f) {
            guard spec.isAccess else { throw error("an address result is for a DMA (TRANSLATE); expected ok or an errno", at: r) }
            status = .address(try numberExpr(r, bound: bound))
            allowed = ["page", "refs"]
        } else {
            let names = ["ok", "FAULT"] + Errno.known.map(\.name)
            throw error(Suggestion.message("unknown result '\(r.value)'", for: r.value, in: names), at: r)
        }
        var outputs: [(name: String, value: [NumberExpr])] = []
        for f in step.resultFields {
            guard allowed.contains(f.key.value) else {
                throw error(Suggestion.message("\(spec.name) has no output '\(f.key.value)'", for: f.key.value, in: allowed), at: f.key)
            }
            outputs.append((f.key.value, try split(try valueWord(f), on: ",").map { p throws(Diagnostic) in try numberExpr(p, bound: bound) }))
        }
        return ExpectedResult(status: status, outputs: outputs, text: step.lineText)
    }

    /// The VALUE of a `KEY=VALUE` word (the parser splits them; a bare KEY has none).
    func valueWord(_ f: Attribute) throws(Diagnostic) -> Located<String> {
        guard let v = f.value else { throw error("expected '\(f.key.value)=VALUE'", at: f.key) }
        return v
    }
}
