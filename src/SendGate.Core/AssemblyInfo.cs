using System.Runtime.CompilerServices;

// Hot-path stack buffers (normalization, hashing) are always written before they are read:
// zeroing them first is wasted work.
[module: SkipLocalsInit]
