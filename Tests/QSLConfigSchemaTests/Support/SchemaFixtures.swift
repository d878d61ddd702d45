import Foundation
import QSLConfigCore
@testable import QSLConfigSchema

/// Small helpers to build documents and validators from literal text.
enum SchemaFixtures {
    static func document(_ text: String, file: String = "appsettings.json") throws -> JSONDocument {
        try JSONDocument(parsing: Array(text.utf8), file: file)
    }

    static func value(_ text: String, file: String = "instance.json") throws -> JSONValue {
        try SchemaJSON.parse(bytes: Array(text.utf8), file: file)
    }

    static func validator(
        _ schema: String, registry: SchemaRegistry = SchemaRegistry(),
        options: SchemaValidationOptions = SchemaValidationOptions()
    ) throws -> SchemaValidator {
        try SchemaValidator(schema: value(schema, file: "schema.json"), registry: registry, options: options)
    }

    /// A secondary thread's stack on macOS; debug builds, whose frames are several times
    /// larger, get 2 MiB (the evaluator's old depth limit of 400 overflowed even that).
    #if DEBUG
    static let smallStackSize = 2 << 20
    #else
    static let smallStackSize = 512 << 10
    #endif

    /// Runs `body` on a thread with a stack of ``smallStackSize``.
    static func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let result = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.value = body()
            done.signal()
        }
        thread.stackSize = smallStackSize
        thread.start()
        done.wait()
        return result.value!
    }
}

/// What a thread hands back; read only after the thread has signalled.
private final class Outcome<T>: @unchecked Sendable {
    var value: T?
}
