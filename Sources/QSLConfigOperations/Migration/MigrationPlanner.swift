#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OrderedCollections
import QSLConfig
import QSLConfigCore

/// Builds a ``MigrationPlan`` from the files alone; the store is asked afterwards, for actions.
///
/// The rules, in order:
/// 1. **Discovery.** Every file layer the source environment loads for each service (the shared
///    AppHost files filtered to what the service reads), and every file the target loads, is
///    scanned; each plaintext credential is a *site* (file and key).
/// 2. **Names.** A site that is the source's winning value for a service whose target layers
///    already reference a secret for that key takes that name (and JSON key); any other site is
///    named by the target's `naming` rules. Sites of one name with different values: the ones
///    whose names are fixed keep them, the others get a suffix naming their scope (`/shared`,
///    `/<service>`), so no value is lost.
/// 3. **Rewrite.** A site in a base file, which every environment loads, becomes a relative
///    reference (`${aws:secrets:./NAME}`) that each environment resolves under its own
///    `AWS:SecretsManagerPrefix`; a site in an environment's overlay becomes an absolute one.
///    Where the target reads a credential from a base file, its overlay gets the absolute
///    reference too (the overlay is created when missing). Where a service of the source then
///    reads relative references and sets no prefix, the overlay it reads `AWS` from (the shared
///    one, or its own) gets the target's prefix, which is where its values now live; one that
///    sets a prefix of its own is warned that it reads the secrets under it.
/// 4. **Other environments** that read a rewritten base value: with a prefix of their own they
///    read the secret under it (a warning names it); without one they would lose the value, which
///    stops the migration.
struct MigrationPlanner {
    let root: PlatformRoot
    let source: EnvironmentDefinition
    let target: EnvironmentDefinition
    let serviceIds: [String]
    let include: Set<String>
    let writeOnly: [String: Set<String>]
    /// The destinations an interrupted run gave each site (from its journal): a resumed run keeps
    /// them, since the files it already rewrote no longer show the values that decided them (a
    /// site moved aside for another's value would otherwise take the name that value went to).
    var previous: [CredentialSite.SiteID: [Destination]] = [:]

    // MARK: Discovery

    struct Scan {
        var sites: [CredentialSite.SiteID: CredentialSite] = [:]
        /// Per service, per key: the site that supplies the winning value in the source.
        var sourceWinner: [String: [ConfigKey: CredentialSite.SiteID]] = [:]
        /// Per service, per key: the site that supplies the winning value in the target.
        var targetReadsSite: [String: [ConfigKey: CredentialSite.SiteID]] = [:]
        /// Per service, per key: the secret the target's winning value references (whole value).
        var targetReference: [String: [ConfigKey: SecretReference]] = [:]
        /// Per service, per key: the target's winning value, when it is neither a site nor a reference.
        var targetOther: [String: [ConfigKey: ConfigEntry]] = [:]
        /// Per service: the source's literal `AWS:SecretsManagerPrefix`.
        var sourcePrefix: [String: String] = [:]
        /// Each file that holds a site, as the scan read it: the byte ranges of its sites are in
        /// these bytes, so its edits are made against them too.
        var documents: [String: JSONDocument] = [:]
    }

    func scan() throws(MigrationError) -> Scan {
        var reader = AppsettingsReader()
        let loader = ConfigurationLoader()
        var scan = Scan()
        var problems: [Diagnostic] = []
        var scanned: [String] = []
        for id in serviceIds {
            let marked = writeOnly[id] ?? []
            func layers(_ environment: EnvironmentDefinition) -> ServiceLayers? {
                do {
                    var options = try root.options(service: id, environment: environment, environmentVariables: [:], environmentIsLayer: false, store: nil)
                    options.loadsParameterStore = false
                    return try loader.readLayers(options, reader: &reader)
                } catch let error as DiagnosticList {
                    problems += error.diagnostics
                } catch let error as ResolutionError {
                    problems += error.diagnostics
                } catch {
                    problems.append(Diagnostic(at: nil, "\(error)", rule: "migrate"))
                }
                return nil
            }
            guard let sourceLayers = layers(source), let targetLayers = layers(target) else { continue }
            scanned.append(id)
            for (files, isTarget) in [(sourceLayers.files, false), (targetLayers.files, true)] {
                for file in files {
                    let isOverlay = file.document.file.hasSuffix(".\(isTarget ? target.hostEnvironmentName : source.hostEnvironmentName).json")
                    for entry in file.layer.orderedEntries {
                        guard let value = entry.value, let json = entry.origin.jsonValue, json.kind == .string else { continue }
                        guard let finding = MigrationDetector.finding(key: entry.key, value: value, writeOnly: ValidationOperation.isMarked(entry.key, in: marked))
                        else { continue }
                        if case .review = finding, include.contains(entry.key.folded) {
                            record(entry, json: json, finding: .credential(kind: MigrationDetector.kind(key: entry.key, value: value)), isShared: file.isShared, isOverlay: isOverlay, service: id, into: &scan)
                        } else {
                            record(entry, json: json, finding: finding, isShared: file.isShared, isOverlay: isOverlay, service: id, into: &scan)
                        }
                    }
                }
            }
            let sourceMerged = sourceLayers.assembled()
            for entry in sourceMerged.merged.values {
                guard let json = entry.origin.jsonValue else { continue }
                let site = CredentialSite.SiteID(file: json.document.file, key: entry.key.folded)
                if scan.sites[site] != nil { scan.sourceWinner[id, default: [:]][entry.key] = site }
            }
            if let prefix = ReferenceScan.secretsPrefix(of: sourceMerged) {
                scan.sourcePrefix[id] = prefix
            }
            let targetMerged = targetLayers.assembled()
            let targetPrefix = ReferenceScan.secretsPrefix(of: targetMerged) ?? target.secretsPrefix
            for entry in targetMerged.merged.values {
                if let json = entry.origin.jsonValue, scan.sites[CredentialSite.SiteID(file: json.document.file, key: entry.key.folded)] != nil {
                    scan.targetReadsSite[id, default: [:]][entry.key] = CredentialSite.SiteID(file: json.document.file, key: entry.key.folded)
                } else if let value = entry.value, let template = try? PlaceholderTemplate(parsing: value), template.isSingleReference,
                    case .secret(let secret) = template.references[0]
                {
                    scan.targetReference[id, default: [:]][entry.key] = secret.resolvingRelative(under: targetPrefix)
                } else {
                    scan.targetOther[id, default: [:]][entry.key] = entry
                }
            }
        }
        // The shared files in full, when the whole catalogue is migrated: the AppHost itself reads
        // sections no service does (Aspire's `Parameters`), and a credential there is as
        // plaintext as any other. With `--service`, only what those services read.
        if let shared = root.catalogue.shared, !scanned.isEmpty, Set(scanned) == Set(root.catalogue.services.map(\.id)) {
            let folder = PlatformRoot.join(root.path, shared.folder)
            for environment in [source, target] {
                for file in reader.read(folder: folder, environment: environment.hostEnvironmentName).files {
                    let isOverlay = file.document.file.hasSuffix(".\(environment.hostEnvironmentName).json")
                    for entry in file.layer.orderedEntries {
                        guard let value = entry.value, let json = entry.origin.jsonValue, json.kind == .string else { continue }
                        let id = CredentialSite.SiteID(file: json.document.file, key: entry.key.folded)
                        guard scan.sites[id] == nil, let finding = MigrationDetector.finding(key: entry.key, value: value, writeOnly: false) else { continue }
                        let included: CredentialSite.Finding = if case .review = finding, include.contains(entry.key.folded) {
                            .credential(kind: MigrationDetector.kind(key: entry.key, value: value))
                        } else {
                            finding
                        }
                        record(entry, json: json, finding: included, isShared: true, isOverlay: isOverlay, service: nil, into: &scan)
                    }
                }
            }
        }
        guard problems.isEmpty else { throw MigrationError(problems) }
        return scan
    }

    /// Adds a site, or a service that reads it; a shared value no service reads has none.
    func record(_ entry: ConfigEntry, json: JSONValue, finding: CredentialSite.Finding, isShared: Bool, isOverlay: Bool, service: String?, into scan: inout Scan) {
        let id = CredentialSite.SiteID(file: json.document.file, key: entry.key.folded)
        if scan.documents[json.document.file] == nil { scan.documents[json.document.file] = json.document }
        if scan.sites[id] != nil {
            if let service, !scan.sites[id]!.services.contains(service) { scan.sites[id]!.services.append(service) }
            return
        }
        // The value the service reads: a `$${` escape is a literal `${`, and a secret's value is
        // never parsed for references, so it goes into the store unescaped.
        var value = entry.value ?? ""
        var holdsReference = false
        var malformedReference = false
        if PlaceholderTemplate.mayContainReference(value) {
            if let template = try? PlaceholderTemplate(parsing: value) {
                if template.references.isEmpty { value = template.render { _ in "" } } else { holdsReference = true }
            } else {
                malformedReference = true
            }
        }
        scan.sites[id] = CredentialSite(
            file: json.document.file, key: entry.key, finding: finding, valueRange: json.byteRange, location: json.location, isShared: isShared,
            isOverlay: isOverlay, services: service.map { [$0] } ?? [], value: SecretValue(value), holdsReference: holdsReference,
            malformedReference: malformedReference)
    }

    // MARK: Planning

    /// Where a site's value goes: a secret and, for a JSON secret, a key.
    struct Destination: Hashable {
        var name: String
        var jsonKey: String?
    }

    func plan() throws(MigrationError) -> MigrationPlan {
        let scan = try scan()
        // Every file as planned against: the scan's read, else one read here, kept.
        var documents = scan.documents
        func document(_ path: String) -> JSONDocument? {
            if let known = documents[path] { return known }
            let read = self.document(path)
            documents[path] = read
            return read
        }
        var unmigratable: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        let ordered = scan.sites.values.sorted { $0.id < $1.id }
        let migrated = ordered.filter { if case .credential = $0.finding { return true } else { return false } }
        for site in migrated where site.holdsReference || site.malformedReference {
            let message =
                site.holdsReference
                ? "'\(site.key)' holds a reference beside its plaintext, and migrate moves whole values only; move the plaintext part into a secret by hand"
                : "'\(site.key)' holds a malformed reference (the value is not shown); write a literal '${' as '$${', then migrate"
            unmigratable.append(Diagnostic(at: site.location, message, rule: "migrate-reference", keyPath: site.key.spelling))
        }

        // 2. Names: fixed by the target's references where the site is the source's winner. A
        // site the target reads under several names is written under each; the first, the one
        // most services read, is the one its file references.
        var fixed: [CredentialSite.SiteID: [Destination]] = [:]
        for site in migrated {
            var required: [Destination: Int] = [:]
            for service in site.services where scan.sourceWinner[service]?[site.key] == site.id {
                if let reference = scan.targetReference[service]?[site.key] {
                    required[Destination(name: reference.secretId, jsonKey: reference.jsonKey), default: 0] += 1
                }
            }
            if !required.isEmpty {
                fixed[site.id] = required.sorted { ($0.value, $1.key.name) > ($1.value, $0.key.name) }.map(\.key)
            }
        }
        var destinations: [CredentialSite.SiteID: [Destination]] = [:]
        var byDestination: [Destination: [CredentialSite]] = [:]
        for site in migrated {
            let chosen = previous[site.id] ?? fixed[site.id] ?? [naturalDestination(site)]
            destinations[site.id] = chosen
            for destination in chosen { byDestination[destination, default: []].append(site) }
        }
        // Several values for one destination: fixed sites keep it, then a site some service reads
        // in the source; the others move aside, so that no value is lost.
        let live = Set(scan.sourceWinner.values.flatMap(\.values))
        var blocked: Set<String> = []
        for (destination, sites) in byDestination.sorted(by: { ($0.key.name, $0.key.jsonKey ?? "") < ($1.key.name, $1.key.jsonKey ?? "") })
        where Set(sites.map(\.value)).count > 1 {
            let keepers = sites.filter { (previous[$0.id] ?? fixed[$0.id])?.contains(destination) ?? false }
            if Set(keepers.map(\.value)).count > 1 {
                let sorted = keepers.sorted { $0.id < $1.id }
                let others = sorted.dropFirst().map { "'\($0.key)' (\($0.location))" }.joined(separator: ", ")
                unmigratable.append(
                    Diagnostic(
                        at: sorted[0].location,
                        "\(target.name) reads '\(sorted[0].key)' and \(others) from one secret, \(destination.name)\(destination.jsonKey.map { ":" + $0 } ?? ""), but \(source.name) gives them \(Set(keepers.map(\.value)).count) different values; make \(source.name)'s values agree or \(target.name)'s references differ first",
                        rule: "migrate-conflict", keyPath: sorted[0].key.spelling))
                blocked.insert(destination.name)
                continue
            }
            let keeperValue = keepers.first?.value ?? sites.first { live.contains($0.id) }?.value ?? sites[0].value
            for site in sites where site.value != keeperValue {
                let scope = site.isShared ? "shared" : (site.services.count == 1 ? site.services[0] : "base")
                destinations[site.id] = destinations[site.id]!.map { $0 == destination ? Destination(name: destination.name + "/" + scope, jsonKey: destination.jsonKey) : $0 }
            }
        }
        // Secrets, from every (site, destination).
        var regrouped: [String: [(site: CredentialSite, jsonKey: String?)]] = [:]
        for site in migrated {
            for destination in destinations[site.id]! { regrouped[destination.name, default: []].append((site, destination.jsonKey)) }
        }
        var secrets: [MigrationPlan.Secret] = []
        for (name, entries) in regrouped.sorted(by: { $0.key < $1.key }) where !blocked.contains(name) {
            let whole = entries.filter { $0.jsonKey == nil }
            if !whole.isEmpty, whole.count != entries.count || Set(whole.map(\.site.value)).count > 1 {
                unmigratable.append(
                    Diagnostic(
                        at: entries[0].site.location, "\(name) would hold both a whole value and JSON keys, or two whole values", rule: "migrate-conflict",
                        keyPath: entries[0].site.key.spelling))
                blocked.insert(name)
                continue
            }
            var keys: [(key: String, value: SecretValue)] = []
            var conflicting = false
            for entry in entries {
                guard let key = entry.jsonKey else { continue }
                if let existing = keys.first(where: { $0.key == key }) {
                    if existing.value != entry.site.value { conflicting = true }
                } else {
                    keys.append((key, entry.site.value))
                }
            }
            if conflicting {
                unmigratable.append(
                    Diagnostic(at: entries[0].site.location, "two values for one JSON key of \(name)", rule: "migrate-conflict", keyPath: entries[0].site.key.spelling))
                blocked.insert(name)
                continue
            }
            let sites = entries.map(\.site)
            let kinds = Set(sites.compactMap { if case .credential(let kind) = $0.finding { return kind } else { return nil } })
            secrets.append(
                MigrationPlan.Secret(
                    name: name, kind: kinds.count == 1 ? kinds.first! : (kinds.contains("generated") ? "generated" : "external"),
                    keys: keys.sorted { $0.key < $1.key }, whole: whole.first?.site.value, action: .create, sites: sites,
                    services: Array(Set(sites.flatMap(\.services))).sorted()))
        }
        func primary(_ id: CredentialSite.SiteID) -> Destination? {
            guard let first = destinations[id]?.first, !blocked.contains(first.name) else { return nil }
            return first
        }

        // 3. Rewrite.
        var edits: [String: [JSONEdit]] = [:]
        var replaced: [String: [String]] = [:]
        var removed: [String: [String]] = [:]
        var removedMembers: [String: [JSONValue]] = [:]
        for site in ordered {
            switch site.finding {
            case .awsAccessKey:
                guard let document = document(site.file), let value = Self.value(in: document, at: site.valueRange) else { continue }
                edits[site.file, default: []].append(document.removingMember(value))
                removed[site.file, default: []].append(site.key.spelling)
                removedMembers[site.file, default: []].append(value)
            case .credential:
                guard let destination = primary(site.id) else { continue }
                let reference = referenceText(destination, relative: !site.isOverlay)
                edits[site.file, default: []].append(JSONEdit(range: site.valueRange, replacement: JSONStringEncoding.quoted(reference)))
                replaced[site.file, default: []].append(site.key.spelling)
            case .review:
                continue
            }
        }
        // The target reads what the source read: where the target's winning value is a base
        // value, its overlay gets an absolute reference to where the source's value went.
        var inserts: [String: [JSONDocument.NewMember]] = [:]
        var expected: [String: [ConfigKey: SecretValue]] = [:]
        for service in serviceIds {
            for (key, winnerID) in (scan.sourceWinner[service] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let winner = scan.sites[winnerID], case .credential = winner.finding, let destination = primary(winnerID) else { continue }
                if let reference = scan.targetReference[service]?[key] {
                    // The target already references it: expect the value when that is one of its destinations.
                    if destinations[winnerID]!.contains(Destination(name: reference.secretId, jsonKey: reference.jsonKey)) {
                        expected[service, default: [:]][key] = winner.value
                    }
                    continue
                }
                guard let readID = scan.targetReadsSite[service]?[key], let read = scan.sites[readID], !read.isOverlay else { continue }
                guard !ConfigKey.colonSeparated(key.spelling, omittingEmpty: true).contains(where: { $0.allSatisfy(\.isNumber) }) else {
                    unmigratable.append(
                        Diagnostic(
                            at: read.location, "'\(key)' is an array element, which an overlay cannot override alone; move the array to \(target.name)'s overlay first",
                            rule: "migrate-array", keyPath: key.spelling))
                    continue
                }
                let value = referenceText(destination, relative: false)
                let path = key.segments.map(String.init)
                var overlay = overlayPath(forSiteIn: read.file, environment: target)
                if let existing = inserts[overlay]?.first(where: { $0.path.map(ConfigKey.fold) == path.map(ConfigKey.fold) }), existing.value != value {
                    // Services that share the file need different references: each gets its own.
                    guard let own = try? root.service(service) else { continue }
                    overlay = PlatformRoot.join(PlatformRoot.join(root.path, own.folder), "appsettings.\(target.hostEnvironmentName).json")
                }
                if !(inserts[overlay]?.contains { $0.path.map(ConfigKey.fold) == path.map(ConfigKey.fold) } ?? false) {
                    inserts[overlay, default: []].append(.init(path: path, value: value))
                }
                expected[service, default: [:]][key] = winner.value
            }
        }
        // The source keeps resolving. A value it read from a base file is now a relative
        // reference, which it reads under its own `AWS:SecretsManagerPrefix`. Without one, it
        // gets the target's, where the value now is, in the file it reads that key from: the
        // shared overlay when its catalogue entry takes the shared `AWS` section, else its own
        // overlay. With a prefix of its own (not the target's) it reads the secret under that
        // prefix, which a warning names. The end check resolves the source too.
        var sourceExpected: [String: [ConfigKey: SecretValue]] = [:]
        let prefixPath = ReferenceScan.secretsPrefixKey.segments.map(String.init)
        for service in serviceIds {
            var readsRelative = false
            for (key, winnerID) in (scan.sourceWinner[service] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let winner = scan.sites[winnerID], case .credential = winner.finding, let destination = primary(winnerID) else { continue }
                if !winner.isOverlay, let prefix = scan.sourcePrefix[service], prefix != target.secretsPrefix {
                    let name = SecretReference(secretId: "./" + relativeName(destination.name)).resolvingRelative(under: prefix).secretId
                    warnings.append(
                        Diagnostic(
                            .warning, at: winner.location,
                            "\(source.name) (\(service)) reads '\(key)' from this file under its own prefix \(prefix); after the migration it reads \(name), which \(source.name)'s store must hold",
                            rule: "migrate-environment", keyPath: key.spelling))
                    continue
                }
                readsRelative = readsRelative || !winner.isOverlay
                sourceExpected[service, default: [:]][key] = winner.value
            }
            guard readsRelative, scan.sourcePrefix[service] == nil, let entry = root.catalogue.service(service) else { continue }
            let folder: String
            if let shared = root.catalogue.shared, entry.sharedFilter.accepts(ReferenceScan.secretsPrefixKey) {
                folder = shared.folder
            } else {
                folder = entry.folder
            }
            let overlay = PlatformRoot.join(PlatformRoot.join(root.path, folder), "appsettings.\(source.hostEnvironmentName).json")
            if !(inserts[overlay]?.contains { $0.path.map(ConfigKey.fold) == prefixPath.map(ConfigKey.fold) } ?? false) {
                inserts[overlay, default: []].append(.init(path: prefixPath, value: target.secretsPrefix))
            }
        }

        // 4. Other environments that read a rewritten base value.
        let rewrittenBase = Set(migrated.filter { !$0.isOverlay && primary($0.id) != nil }.map(\.id))
        let others: (environments: [EnvironmentDefinition], problems: [Diagnostic]) = rewrittenBase.isEmpty ? ([], []) : otherEnvironments()
        unmigratable += others.problems
        for other in others.environments {
            var reader = AppsettingsReader()
            for service in serviceIds {
                guard var options = try? root.options(service: service, environment: other, environmentVariables: [:], environmentIsLayer: false, store: nil) else { continue }
                options.loadsParameterStore = false
                guard let layers = try? ConfigurationLoader().readLayers(options, reader: &reader) else { continue }
                let merged = layers.assembled()
                let prefix = ReferenceScan.secretsPrefix(of: merged)
                for entry in merged.merged.values {
                    guard let json = entry.origin.jsonValue else { continue }
                    let id = CredentialSite.SiteID(file: json.document.file, key: entry.key.folded)
                    guard rewrittenBase.contains(id), let destination = primary(id) else { continue }
                    let relative = relativeName(destination.name)
                    if let prefix {
                        warnings.append(
                            Diagnostic(
                                .warning, at: json.location,
                                "\(other.name) (\(service)) reads '\(entry.key)' from this file; after the migration it reads \(SecretReference(secretId: "./" + relative).resolvingRelative(under: prefix).secretId), which \(other.name)'s store must hold",
                                rule: "migrate-environment", keyPath: entry.key.spelling))
                    } else {
                        unmigratable.append(
                            Diagnostic(
                                at: json.location,
                                "\(other.name) (\(service)) reads '\(entry.key)' from this file and sets no AWS:SecretsManagerPrefix, so it would lose the value; give \(other.name) its own value or reference in its appsettings.\(other.hostEnvironmentName).json first",
                                rule: "migrate-environment", keyPath: entry.key.spelling))
                    }
                }
            }
        }

        // Files: edits of existing files, new overlays.
        var files: [MigrationPlan.File] = []
        for path in Set(edits.keys).union(inserts.keys).sorted() {
            var fileEdits = edits[path] ?? []
            var added: [String] = []
            var newText: String?
            var addingFailed = false
            if let members = inserts[path] {
                added = members.map { $0.path.joined(separator: ":") }
                if let document = document(path) {
                    do { fileEdits += try document.addingMembers(members, removing: removedMembers[path] ?? []) } catch {
                        unmigratable.append(error)
                        addingFailed = true
                    }
                } else if FileBytes.exists(path) {
                    unmigratable.append(Diagnostic(at: SourceLocation(file: path, line: 1, column: 1, offset: 0), "cannot read this file to add references to it", rule: "migrate-file"))
                } else {
                    // In the style of the folder's base file, CRLF line ends included.
                    newText = JSONDocument.newFile(with: members, styledLike: document(PlatformRoot.join(AtomicFile.parentDirectory(of: path), "appsettings.json")))
                }
            }
            // The edits are applied here, in memory, before anything is written: edits that meet,
            // or a new member the file would not read (put inside a comment), stop the plan with
            // the file named instead of stopping a run halfway, its secrets already written.
            var after: [UInt8]?
            if !addingFailed, newText == nil, let document = document(path) {
                switch Self.rewritten(document, edits: fileEdits, adding: inserts[path] ?? []) {
                case .success(let bytes): after = bytes
                case .failure(let problem): unmigratable.append(problem)
                }
            }
            files.append(
                MigrationPlan.File(
                    path: path, edits: fileEdits, newText: newText, rewritten: after,
                    planned: newText == nil ? documents[path].map { MigrationJournal.digest($0.bytes) } : nil,
                    replaced: replaced[path] ?? [], added: added, removed: removed[path] ?? []))
        }
        // A file is rewritten where it lies, through a symbolic link, so two paths that are one
        // file (a link to another file this plan rewrites) cannot both be: each edit was planned
        // on the bytes before either write.
        var rewrittenAt: [String: String] = [:]
        for file in files where file.newText == nil {
            guard let real = AtomicFile.realPath(file.path) else { continue }
            if let first = rewrittenAt[real] {
                unmigratable.append(
                    Diagnostic(
                        at: SourceLocation(file: file.path, line: 1, column: 1, offset: 0),
                        "is the same file as \(first) (through a symbolic link), and both would be rewritten; make one of them a file of its own", rule: "migrate-file"))
            } else {
                rewrittenAt[real] = file.path
            }
        }

        return MigrationPlan(
            source: source, target: target, services: serviceIds, secrets: secrets, files: files,
            accessKeys: ordered.filter { $0.finding == .awsAccessKey }, review: ordered.filter { $0.finding == .review },
            sharedValues: sharedValues(migrated), unmigratable: unmigratable, warnings: warnings, expected: expected, sourceExpected: sourceExpected,
            destinations: destinations.filter { id, chosen in chosen.allSatisfy { !blocked.contains($0.name) } })
    }

    // MARK: Naming

    /// The name the target's naming rules give a site, and its JSON key (none for a connection
    /// string, which is kept whole).
    func naturalDestination(_ site: CredentialSite) -> Destination {
        let naming = target.naming ?? [:]
        let segments = site.key.segments.map(String.init)
        let last = segments.last ?? ""
        let isConnectionString = segments.count == 2 && ConfigKey.fold(segments[0]) == "CONNECTIONSTRINGS"
        let kind: String = {
            if case .credential(let kind) = site.finding { return kind }
            return "external"
        }()
        var rule = "default"
        var slug = site.services.count == 1 ? site.services[0] : "shared"
        // The segment the rule was chosen by; the JSON key is the path below it.
        var matched = 0
        var name = last.lowercased()
        if isConnectionString {
            let lower = last.lowercased()
            if kind == "postgres", naming["postgres"] != nil {
                rule = "postgres"
                slug = lower.hasPrefix("postgres-") ? String(lower.dropFirst("postgres-".count)) : (site.services.count == 1 ? site.services[0] : lower)
            } else if lower.contains("surreal"), naming["surrealdb"] != nil {
                rule = "surrealdb"
            } else if kind == "redis", naming["redis"] != nil {
                rule = "redis"
            }
        } else {
            let aliases = ["applicationinsights": "appinsights", "apikeys": "api", "opentelemetry": "otel", "jwtsettings": "jwt", "parameters": ""]
            for (index, segment) in segments.dropLast().enumerated() {
                var candidate = segment.lowercased()
                if let alias = aliases[candidate] { candidate = alias }
                if candidate.isEmpty {
                    // Aspire's Parameters section: `kestra-password` names its owner first.
                    let owner = last.lowercased().split(separator: "-").first.map(String.init) ?? ""
                    if naming[owner] != nil { rule = owner; name = String(last.lowercased().dropFirst(owner.count + 1)) }
                    break
                }
                if naming[candidate] != nil, candidate != "default" {
                    rule = candidate
                    matched = index
                    break
                }
            }
            if rule == "alchemy", last.lowercased().hasPrefix("apikey") {
                name = String(last.dropFirst("apikey".count)).lowercased()
            }
        }
        let section = isConnectionString ? last.lowercased() : (segments.first ?? "").lowercased()
        let template = naming[rule] ?? naming["default"] ?? "{prefix}{service}/{section}"
        var rendered = template
        for (placeholder, value) in [("{prefix}", target.secretsPrefix), ("{service}", slug == "shared" || rule != "default" ? (site.services.count == 1 ? site.services[0] : "shared") : slug),
                                     ("{section}", section), ("{slug}", slug), ("{name}", name)] {
            rendered = rendered.replacingEvery(placeholder, with: value)
        }
        rendered = String(rendered.map { $0.isASCII && ($0.isLetter || $0.isNumber || "/_+=.@-".contains($0)) ? $0 : "-" })
        if isConnectionString { return Destination(name: rendered, jsonKey: nil) }
        let path = segments.dropFirst(matched + 1).map { Self.lowerCamel($0) }.joined(separator: ".")
        let below = path.isEmpty ? Self.lowerCamel(last) : path
        var jsonKey = rule == "alchemy" ? "apiKey" : (rule == "kestra" && ConfigKey.fold(segments.first ?? "") == "PARAMETERS" ? Self.lowerCamel(name) : below)
        if rule == "multichain" { jsonKey = jsonKey.hasPrefix("rpc") ? Self.lowerCamel(String(jsonKey.dropFirst(3))) : jsonKey }
        return Destination(name: rendered, jsonKey: jsonKey)
    }

    /// `ClientSecret` → `clientSecret`, `RpcPassword` → `rpcPassword`, `API_KEY` → `apiKey`.
    static func lowerCamel(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " })
        guard words.count > 1 || text.uppercased() == text else {
            return text.prefix(1).lowercased() + text.dropFirst()
        }
        return words.enumerated().map { index, word in
            index == 0 ? word.lowercased() : word.prefix(1).uppercased() + word.dropFirst().lowercased()
        }.joined()
    }

    /// The reference text for a destination; relative to the target's prefix where asked and
    /// possible.
    func referenceText(_ destination: Destination, relative: Bool) -> String {
        let name = relative && destination.name.hasPrefix(target.secretsPrefix) ? "./" + relativeName(destination.name) : destination.name
        return SecretReference(secretId: name, jsonKey: destination.jsonKey).description
    }

    func relativeName(_ name: String) -> String {
        name.hasPrefix(target.secretsPrefix) ? String(name.dropFirst(target.secretsPrefix.count)) : name
    }

    /// `appsettings.{Environment}.json` beside the base file that holds a site.
    func overlayPath(forSiteIn file: String, environment: EnvironmentDefinition) -> String {
        let folder = AtomicFile.parentDirectory(of: file)
        return PlatformRoot.join(folder, "appsettings.\(environment.hostEnvironmentName).json")
    }

    /// The environments of the root other than the source and the target.
    /// The environments of the root other than the source and the target, and the problems of
    /// any that cannot be read: one whose reads cannot be checked stops the migration rather
    /// than being skipped.
    func otherEnvironments() -> (environments: [EnvironmentDefinition], problems: [Diagnostic]) {
        let folder = PlatformRoot.join(root.path, "environments")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".json") && $0 != "services.json" }.map { String($0.dropLast(5)) }.sorted()
        var environments: [EnvironmentDefinition] = []
        var problems: [Diagnostic] = []
        for name in names where name != source.name && name != target.name {
            do { environments.append(try root.environment(name)) } catch { problems += error.diagnostics }
        }
        return (environments, problems)
    }

    func document(_ path: String) -> JSONDocument? {
        guard FileBytes.exists(path) else { return nil }
        return try? JSONDocument(contentsOfFile: path)
    }

    static func value(in document: JSONDocument, at range: Range<Int>) -> JSONValue? {
        for index in 0..<document.valueCount {
            let value = document.value(atIndex: index)
            if value.byteRange == range { return value }
        }
        return nil
    }

    /// Values several sites share: a password inside connection strings, or a whole value.
    func sharedValues(_ sites: [CredentialSite]) -> [MigrationPlan.SharedValue] {
        var byPassword: [String: [CredentialSite]] = [:]
        var byValue: [SecretValue: [CredentialSite]] = [:]
        for site in sites {
            let text = site.value.unsafeRevealed
            let ranges = CredentialClassifier.findings(key: nil, value: text).filter { $0.kind == .embeddedPassword }.map(\.range)
            if ranges.count == 1 {
                byPassword[String(text[ranges[0]]), default: []].append(site)
            } else {
                byValue[site.value, default: []].append(site)
            }
        }
        let passwords = byPassword.values.filter { $0.count > 1 }.map { MigrationPlan.SharedValue(part: "password", sites: $0) }
        let values = byValue.values.filter { $0.count > 1 }.map { MigrationPlan.SharedValue(part: "value", sites: $0) }
        return (passwords + values).sorted { ($0.sites.count, $0.sites[0].id) > ($1.sites.count, $1.sites[0].id) }
    }
}

extension MigrationPlanner {
    /// Why `edits` cannot be applied to `document` as planned, or `nil`: they meet or fall
    /// outside it, the result does not parse, or a member of `adding` does not read back with its
    /// value (text that lands inside a comment, say).
    static func rewritten(_ document: JSONDocument, edits: [JSONEdit], adding: [JSONDocument.NewMember]) -> Result<[UInt8], Diagnostic> {
        let at = SourceLocation(file: document.file, line: 1, column: 1, offset: 0)
        let after: [UInt8]
        let layer: ConfigurationLayer
        do {
            after = try document.applying(edits)
            layer = try ConfigurationLayer.json(try JSONDocument(parsing: after, file: document.file))
        } catch {
            return .failure(
                Diagnostic(
                    at: at, "the planned rewrite of this file does not apply (\(error.message)); edit the file by hand around the keys named above, then migrate again",
                    rule: "migrate-file"))
        }
        for member in adding {
            let key = ConfigKey(member.path.joined(separator: ":"))
            guard (layer[key]?.value ?? nil) == member.value else {
                return .failure(
                    Diagnostic(
                        at: at, "'\(key)' would be added to this file, but the file would not read it back (a comment around where it goes?); add it by hand, then migrate again",
                        rule: "migrate-file", keyPath: key.spelling))
            }
        }
        return .success(after)
    }
}
