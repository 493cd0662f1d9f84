/**
 * Runs model requests concurrently with retries and turns invocation events into output events
 * ({@link io.bedrockstream.engine.StreamEngine}), and tracks which source offsets are fully done
 * ({@link io.bedrockstream.engine.OffsetTracker}). Knows nothing of Kafka Connect.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Retry: throttling always, until {@code retryDeadlineMs} (or {@code retryThrottlingMaxAttempts} throttled
 *       attempts, when set): Bedrock quotas are per minute, so throttling gets a time budget; transient failures
 *       when {@code retryTransient} and their error type is in {@code retryableErrorTypes} (empty = all, compared
 *       case-insensitively), until {@code retryMaxAttempts} attempts failed with them (throttled ones do not
 *       count); invalid-request and configuration failures never. No retry starts later than
 *       {@code retryDeadlineMs} after the first attempt started (time queued before it does not count).</li>
 *   <li>Backoff: "equal floor" jitter, uniform in [base, min(max, base × 2^(n-1))] after failed attempt n.</li>
 *   <li>A request backing off keeps its place in the limit: {@code inFlight()} = running + backing off, and no
 *       request starts while it is at the limit, so under throttling fresh requests wait in the queue (their
 *       deadline not started) while retries go first.</li>
 *   <li>AIMD: a throttling failure halves the limit (floor {@code minInFlight}) at most once per
 *       {@code retryBackoffMs} window; each completion adds 1/limit up to {@code maxInFlight}.</li>
 *   <li>Rate caps: requests-per-minute bucket (burst one second's worth) charged per attempt start;
 *       tokens-per-minute budget kept as Bedrock keeps its quota ({@code TokenBudget}):
 *       an attempt reserves its input estimate plus its max tokens when it starts and starts only when that
 *       fits, settles to input + output × weight when it ends, and a throttled attempt gives its reservation
 *       back. Waits are scheduler timers, never blocking. Without a configured quota the budget is unbounded
 *       until the first "Too many tokens" throttle, then learned ({@code QuotaLearner}: AIMD on the budget).</li>
 *   <li>The invocation timeout is enforced by the SDK (apiCallTimeout) and, as a backstop, by an engine timer
 *       that cancels the invocation with {@code InvocationTimeout}.</li>
 * </ul>
 */
package io.bedrockstream.engine;
