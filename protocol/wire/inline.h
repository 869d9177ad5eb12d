#pragma once
// Forces a hot wire primitive inline: in the generated codec's large unity sources GCC stops
// inlining even one-line reads once its unit-growth budget is spent, leaving a call per field.
#define KGATE_WIRE_INLINE [[gnu::always_inline]]
