// The tracing tests listen to process-wide activity sources: no other test of this assembly may run beside them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
