# Reference values from R's multilevel package for tests/test_agreement.py
# (test_r_multilevel_group_values). Regenerate with:
#
#   Rscript tests/reference/multilevel_groups.R tests/reference
#
# Produced with R 4.2.2 and multilevel 2.7 (Debian packages r-base-core, r-cran-multilevel).
# Writes multilevel_groups_data.csv (the ratings) and multilevel_groups_values.csv (per group:
# rwg.j, rwg.j.lindell, ad.m mean and median, awg; and ICC1/ICC2 of the first item across groups).

suppressMessages(library(multilevel))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."

set.seed(20261125)
sizes <- c(3, 4, 5, 6, 8, 10)
grp <- rep(seq_along(sizes), sizes)
centre <- c(2, 3, 4, 3, 2.5, 3.5)[grp]
spread <- c(0.4, 0.8, 1.5, 0.6, 2.5, 1.0)[grp]  # group 5 disagrees more than chance: truncated
X <- sapply(1:6, function(j) pmin(5, pmax(1, round(centre + rnorm(length(grp), 0, spread)))))
colnames(X) <- paste0("i", 1:6)
write.csv(data.frame(group = grp, X), file.path(out, "multilevel_groups_data.csv"), row.names = FALSE)

rj <- rwg.j(X, grp, ranvar = 2)
rl <- rwg.j.lindell(X, grp, ranvar = 2)
am <- ad.m(X, grp, type = "mean")
ad <- ad.m(X, grp, type = "median")
aw <- awg(X, grp, range = c(1, 5))
vals <- data.frame(group = rj$grpid, rwg_j = rj$rwg.j, rwg_j_lindell = rl$rwg.lindell,
                   ad_mean = am$AD.M, ad_median = ad$AD.M, awg = aw$a.wg)
m <- aov(X[, 1] ~ factor(grp))
vals$icc1_item1 <- ICC1(m)
vals$icc2_item1 <- ICC2(m)
write.csv(vals, file.path(out, "multilevel_groups_values.csv"), row.names = FALSE)
print(vals, digits = 10)
