using System.Runtime.CompilerServices;

// Probe buffers on the stack are always written before they are read.
[module: SkipLocalsInit]
