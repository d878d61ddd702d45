import QSLConfig
import QSLConfigCore

extension ValidationOperation {
    /// How many `DescribeSecret` calls run at once.
    static let describeConcurrency = 8

    /// Checks that every referenced secret (at its pinned stage or version) and parameter exists,
    /// with metadata calls only: one `DescribeSecret` per secret, `GetParameters` without
    /// decryption in batches of 10. No value is read. A JSON key (`NAME:KEY`) cannot be checked
    /// without reading the value, so only the secret is.
    ///
    /// - Returns: The diagnostics to add, by service index.
    /// - Throws: ``ValidationError`` (a store failure) when the store cannot answer: network,
    ///   throttling after retries, access denied.
    static func checkRemote(_ sites: [RemoteSite], store: any SecretStore) async throws(ValidationError) -> [Int: [Diagnostic]] {
        var secretIds: [String] = []
        var parameters: [ParameterReference] = []
        for remote in sites {
            switch remote.site.reference {
            case .secret(let secret) where !secretIds.contains(secret.secretId): secretIds.append(secret.secretId)
            case .parameter(let parameter) where !parameters.contains(parameter): parameters.append(parameter)
            default: break
            }
        }

        let descriptions: [String: Result<SecretDescription, StoreError>]
        let metadata: ParameterMetadataResult
        do {
            descriptions = try await describe(secretIds, store: store)
            metadata = parameters.isEmpty ? ParameterMetadataResult() : try await store.parameterMetadata(parameters)
        } catch {
            throw ValidationError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }

        var found: [Int: [Diagnostic]] = [:]
        for remote in sites {
            let site = remote.site
            var problem: (String, String)?
            switch site.reference {
            case .secret(let secret):
                switch descriptions[secret.secretId] {
                case .failure?:
                    // Only a missing secret comes back as a failure (``describe(_:store:)``).
                    problem = ("secret-missing", "'\(site.key)' refers to secret \(secret.secretId), which does not exist in \(store.storeDescription)")
                case .success(let description)?:
                    if let versionId = secret.versionId, description.versions[versionId] == nil {
                        problem = ("secret-missing", "'\(site.key)' pins secret \(secret.secretId) to version \(versionId), which it does not have")
                    } else if let stage = secret.versionStage, description.versionId(forStage: stage) == nil {
                        problem = ("secret-missing", "'\(site.key)' pins secret \(secret.secretId) to stage \(stage), which no version of it holds")
                    } else if let versionId = secret.versionId, let stage = secret.versionStage,
                        description.versions[versionId]?.contains(stage) != true
                    {
                        problem = ("secret-missing", "'\(site.key)' pins secret \(secret.secretId) to version \(versionId) at stage \(stage), but that version does not hold that stage")
                    }
                case nil:
                    break
                }
            case .parameter(let parameter):
                if metadata.missing.contains(parameter) || metadata.found[parameter] == nil {
                    let what = parameter.selector.map { "parameter \(parameter.name) has no version or label \($0)" }
                        ?? "parameter \(parameter.name) does not exist"
                    problem = ("parameter-missing", "'\(site.key)' refers to \(parameter.requestName), but \(what) in \(store.storeDescription)")
                }
            case .environment:
                break
            }
            if let (rule, message) = problem {
                found[remote.service, default: []].append(Diagnostic(at: site.location, message, rule: rule, keyPath: site.key.spelling))
            }
        }
        return found
    }

    /// `DescribeSecret` for each id, a few at a time. A missing secret is a result; any other
    /// failure throws.
    static func describe(_ ids: [String], store: any SecretStore) async throws(StoreError) -> [String: Result<SecretDescription, StoreError>] {
        do {
            return try await withThrowingTaskGroup(of: (String, Result<SecretDescription, StoreError>).self) { group in
                var results: [String: Result<SecretDescription, StoreError>] = [:]
                var pending = ids[...]
                func next() {
                    guard let id = pending.popFirst() else { return }
                    group.addTask {
                        do throws(StoreError) {
                            return (id, .success(try await store.describeSecret(id)))
                        } catch {
                            // Only a missing secret is a finding; anything else (the store
                            // failing, credentials set up wrong) stops the check.
                            guard error.code == .notFound else { throw error }
                            return (id, .failure(error))
                        }
                    }
                }
                for _ in 0..<describeConcurrency { next() }
                while let (id, result) = try await group.next() {
                    results[id] = result
                    next()
                }
                return results
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }
}
