using System.Runtime.CompilerServices;

// Per-chunk stack buffers on the Check path are always written before they are read.
[module: SkipLocalsInit]
