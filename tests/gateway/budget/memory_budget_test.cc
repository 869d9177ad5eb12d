#include "gateway/budget/memory_budget.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

TEST(MemoryBudget, AnyoneReadsWhileEverythingHeldIsWithinHalfTheBudget) {
    MemoryBudget budget(64 * kMiB);
    EXPECT_EQ(budget.try_take(0, 20 * kMiB, 1), BudgetGrant::shared);
    budget.holder_joined();
    EXPECT_EQ(budget.try_take(20 * kMiB, 12 * kMiB, 1), BudgetGrant::shared);  // exactly half
    EXPECT_EQ(budget.held(), 32 * kMiB);
}

TEST(MemoryBudget, PastHalfOnlyConnectionsUnderTheirFairShareRead) {
    MemoryBudget budget(64 * kMiB);
    // Connection 1 holds 32 MiB (half the budget); connection 2 holds 1 MiB.
    ASSERT_EQ(budget.try_take(0, 32 * kMiB, 1), BudgetGrant::shared);
    budget.holder_joined();
    ASSERT_EQ(budget.try_take(0, 1 * kMiB, 2), BudgetGrant::fair_share);  // share 32 MiB / 2
    budget.holder_joined();
    // 2 may grow to its share of 16 MiB; past it, it would need the pass.
    EXPECT_EQ(budget.try_take(1 * kMiB, 15 * kMiB, 2), BudgetGrant::fair_share);
    // A third connection with a small frame still reads: its share is 32 / 3 MiB.
    EXPECT_EQ(budget.try_take(0, 256 * 1024, 3), BudgetGrant::fair_share);
    EXPECT_EQ(budget.held(), (32 + 16) * kMiB + 256 * 1024);
}

TEST(MemoryBudget, OneConnectionOverItsShareHoldsThePassOthersAreDenied) {
    MemoryBudget budget(64 * kMiB);
    ASSERT_EQ(budget.try_take(0, 20 * kMiB, 1), BudgetGrant::shared);
    budget.holder_joined();
    ASSERT_EQ(budget.try_take(0, 12 * kMiB, 2), BudgetGrant::shared);
    budget.holder_joined();
    // Both are over their share of 16 MiB: the first to ask gets the pass and keeps it.
    EXPECT_EQ(budget.try_take(20 * kMiB, 1 * kMiB, 1), BudgetGrant::pass);
    EXPECT_EQ(budget.pass_owner(), 1u);
    EXPECT_EQ(budget.try_take(12 * kMiB, 5 * kMiB, 2), BudgetGrant::denied);
    EXPECT_EQ(budget.try_take(21 * kMiB, 80 * kMiB, 1), BudgetGrant::pass);  // a frame larger than the budget
    const auto before = budget.held();
    EXPECT_EQ(budget.try_take(12 * kMiB, 5 * kMiB, 2), BudgetGrant::denied);
    EXPECT_EQ(budget.held(), before) << "a denied read takes nothing";
    // 1 hands its frame on: the pass is free and goes to the next that asks.
    budget.give_back(101 * kMiB);
    budget.holder_left(1);
    EXPECT_EQ(budget.pass_owner(), 0u);
    EXPECT_EQ(budget.try_take(12 * kMiB, 5 * kMiB, 2), BudgetGrant::shared);  // 17 MiB held: under half
}

TEST(MemoryBudget, ThePassIsTakenWithinTheWholeBudgetAndFreedWhenItsFrameIsComplete) {
    MemoryBudget budget(64 * kMiB);
    ASSERT_EQ(budget.try_take(0, 60 * kMiB, 1), BudgetGrant::pass);  // 60 MiB: within the budget
    budget.holder_joined();
    ASSERT_EQ(budget.try_take(60 * kMiB, 8 * kMiB, 1), BudgetGrant::pass);  // kept past it, for its frame
    budget.frame_done(1);  // read whole; the 68 MiB are still held (a client not reading its answer)
    EXPECT_EQ(budget.pass_owner(), 0u);
    EXPECT_EQ(budget.try_take(0, 20 * kMiB, 2), BudgetGrant::denied) << "over its share of 16 MiB and the whole budget: no pass";
    EXPECT_EQ(budget.pass_owner(), 0u);
    budget.give_back(68 * kMiB);
    budget.holder_left(1);
    EXPECT_EQ(budget.try_take(0, 20 * kMiB, 2), BudgetGrant::shared);
}

TEST(MemoryBudget, LeavingWithoutThePassKeepsItsOwner) {
    MemoryBudget budget(8 * kMiB);
    ASSERT_EQ(budget.try_take(0, 8 * kMiB, 1), BudgetGrant::pass);  // alone and over the share
    budget.holder_joined();
    budget.holder_joined();  // 2 joins and leaves
    budget.holder_left(2);
    EXPECT_EQ(budget.pass_owner(), 1u);
    EXPECT_EQ(budget.holders(), 1u);
}

TEST(MemoryBudget, ZeroMeansNoBudgetButBytesAreCounted) {
    MemoryBudget budget(0);
    EXPECT_EQ(budget.try_take(0, 900 * kMiB, 1), BudgetGrant::shared);
    EXPECT_EQ(budget.held(), 900 * kMiB);
}

TEST(MemoryBudget, PausesAreCountedAndThePausedGaugeFollows) {
    MemoryBudget budget(kMiB);
    budget.paused();
    budget.paused();
    budget.resumed();
    EXPECT_EQ(budget.paused_now(), 1);
    EXPECT_EQ(budget.pauses(), 2u);
}

}  // namespace
}  // namespace kgate::gateway
