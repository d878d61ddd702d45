#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// Timestamp text as AWS writes it.
enum AWSTimestamp {
    /// ISO 8601 in UTC, with or without fractional seconds (`2024-05-01T12:00:00Z`,
    /// `2024-05-01T12:00:00.123Z`, `2024-05-01T12:00:00+00:00`).
    static func parseISO8601(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespaceAndNewlines()
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return nil
    }

    /// `2024-05-01T12:00:00Z`.
    static func formatISO8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
