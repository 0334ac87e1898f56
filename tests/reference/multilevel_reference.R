# Re-check the R multilevel values pinned in tests/test_agreement.py.
#
# The pinned numbers were first computed by hand from the formulas and cross-checked with
# tests/reference/multilevel_oracle.py; R 4.2.2 with multilevel 2.7 confirms every one (see the .Rout). Run this
# script with R and the multilevel package (install.packages("multilevel")) and compare:
#
#   Rscript tests/reference/multilevel_reference.R
#
# Expected output (from the test file) is given in the comment after each call.

library(multilevel)

one <- function(x) rep(1, NROW(x))

# single item, 5 options (ranvar = (5^2 - 1)/12 = 2)
print(rwg(c(2, 3, 3, 4, 4), one(c(2, 3, 3, 4, 4)), ranvar = 2))   # rwg = 0.65
print(rwg(c(1, 1, 5, 5), one(1:4), ranvar = 2))                    # rwg = 0 (variance 16/3 capped at 2)
print(rwg(c(4, 4, 4), one(1:3), ranvar = 2))                       # rwg = 1
print(rwg(3, 1, ranvar = 2))                                       # rwg = NA (one rater)

# multi-item scale: 4 raters x 3 items
X <- matrix(c(4, 4, 5,
              3, 4, 4,
              4, 5, 5,
              5, 4, 4), ncol = 3, byrow = TRUE)
print(rwg.j(X, one(X), ranvar = 2))           # rwg.j = 0.9193548 = 57/62 (item variances 2/3, 1/4, 1/3)
print(rwg.j.lindell(X, one(X), ranvar = 2))   # 0.7916667 = 19/24
print(ad.m(X, one(X), type = "mean"))         # AD.M = 0.4583333 = 11/24
print(ad.m(X, one(X), type = "median"))       # AD.M = 0.4166667 = 5/12
print(awg(X, one(X), range = c(1, 5)))        # a.wg = 0.6666667: only item 1 (mean 4) is admissible; items 2, 3
                                              # (means 4.25, 4.5 > (5*3 + 1)/4 = 4) are NA, dropped

# a_wg admissible range, k = 3 on 1..5: the mean must lie in [7/3, 11/3]
print(awg(c(1, 1, 5), one(1:3), range = c(1, 5)))   # -1  (mean 7/3, on the bound)
print(awg(c(1, 1, 4), one(1:3), range = c(1, 5)))   # NA  (mean 2 < 7/3)
print(awg(c(5, 5, 5), one(1:3), range = c(1, 5)))   # 1 in R; centric returns NaN (0/0)

# ICC1 / ICC2 on three departments of unequal size
v <- c(1, 2, 3, 3, 4, 5, 5, 4, 5, 5)
g <- factor(c("a", "a", "a", "b", "b", "b", "c", "c", "c", "c"))
m <- aov(v ~ g)
print(ICC1(m))   # 0.7261064  (MSB = 6.675, MSW = 19/28, mean group size 10/3)
print(ICC2(m))   # 0.8983414
