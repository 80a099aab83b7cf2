package io.beamline.ipc.gateway.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a setting accepts: the text people read (--help, error messages, the docs) and the parser that
 * enforces it, made in one place so that the two cannot disagree. {@link Parsers} makes them.
 */
public sealed interface ValueKind<T> permits IntRange, ValueKind.Rule, ValueKind.Noted {

    /** What is accepted, in words: "an integer in 1..65536". */
    String allowed();

    /** The value of {@code text}; throws {@link IllegalArgumentException} for text outside {@link #allowed()}. */
    T parse(String text);

    static <T> ValueKind<T> of(String allowed, Function<String, T> parser) {
        return new Rule<>(allowed, parser);
    }

    /**
     * The same values with a note for one setting: what a special value means ("0 = one per core") or a rule
     * involving another setting, which the parser of one value cannot check.
     */
    default ValueKind<T> noting(String note) {
        return new Noted<>(this, note);
    }

    /** Any parser with the words for it. */
    record Rule<T>(String allowed, Function<String, T> parser) implements ValueKind<T> {

        public Rule {
            if (allowed == null || allowed.isBlank()) {
                throw new IllegalArgumentException("a value kind needs the text of what it allows");
            }
            Objects.requireNonNull(parser, "parser");
        }

        @Override
        public T parse(String text) {
            return parser.apply(text);
        }
    }

    /** {@code kind} with a note after its text; it parses exactly as {@code kind} does. */
    record Noted<T>(ValueKind<T> kind, String note) implements ValueKind<T> {

        public Noted {
            Objects.requireNonNull(kind, "kind");
            if (note == null || note.isBlank()) {
                throw new IllegalArgumentException("an empty note");
            }
        }

        @Override
        public String allowed() {
            return kind.allowed() + " (" + note + ")";
        }

        @Override
        public T parse(String text) {
            return kind.parse(text);
        }
    }
}
