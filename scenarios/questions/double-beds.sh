#!/bin/sh
# Twice the beds, today's waits: how much capacity does scenarios/taiyuan-2022-double-beds.yaml
# (6,152 family care beds instead of 3,076, the 2022 capacity) need to keep the waits of the
# baseline? Run from the repository root; extra options go to every command (the README's
# figures: `nice sh scenarios/questions/double-beds.sh --workers 2`). Answers, timings and the
# home-team finding: README.md, "Sizing".
#
# Today's levels: `carecap run scenarios/taiyuan-2022.yaml --reps 10 --json` (seed 20220828),
# mean +- 95 % half-width:
#   centre baths wait 2.48 +- 0.11 days; home baths 0.67 +- 0.07 (Wanbailin 0.71 +- 0.10,
#   Xiaodian 0.90 +- 0.20);
#   alarms on time, by district: xiaodian 72.4 % +- 1.2, wanbailin 83.1 +- 1.3, xinghualing
#   84.1 +- 0.3, yingze 86.1 +- 1.4, jiancaoping 79.8 +- 1.2, qingxu 91.3 +- 1.4, jinyuan
#   82.9 +- 1.2, gujiao 88.1 +- 1.1, yangqu 92.3 +- 2.2, loufan 91.4 +- 2.0;
#   care visits on time 99.98-100 % in every district.
# Targets: those levels to two decimals in the lenient direction, each inside today's interval
# (centre 2.5 days, Wanbailin home 0.75, Xiaodian home 0.9, alarms 0.72 ... 0.92), except care
# visits: 99.9 %, a tenth of a point under today's (a target at 99.98 % would be decided by a
# handful of late visits a year).
#
# Parts and their order. Caregivers serve care visits and alarms only, each district's by its own
# pool, and draw their own random numbers (the pools share no requests), so one command sizes all
# ten pools at once: each pool's targets move only with that pool's capacity. Baths go to the
# centre or to the home teams; the two are coupled by routing.overflow_to_home_when_centre_queue_over
# (a bath goes home while more than 300 wait for the centre), so the centre comes first and the
# home part --sets its answer. Each later part --sets the answers of the earlier ones.
set -e
SCENARIO=scenarios/taiyuan-2022-double-beds.yaml

# 1. The bathing centre: vans and stations, for today's centre-bath wait.
#    Answer: 11 vans, 17 stations.
carecap size "$SCENARIO" \
    --vary bathing_centre.vans.count=5:12 --vary bathing_centre.stations=12:24 \
    --target 'centre_bath.wait_mean<=2.5' \
    --max-reps 10 --out results/size/double-beds-centre "$@"

# 2. Round-the-clock cover of every caregiver pool, for today's alarm on-time rate in its
#    district (the day staff at the scenario's counts). Answer: 2 in every pool.
carecap size "$SCENARIO" \
    --vary caregivers.cg_xiaodian.shifts.cover.count=1:3 \
    --vary caregivers.cg_wanbailin.shifts.cover.count=1:3 \
    --vary caregivers.cg_xinghualing.shifts.cover.count=1:3 \
    --vary caregivers.cg_yingze.shifts.cover.count=1:3 \
    --vary caregivers.cg_jiancaoping.shifts.cover.count=1:3 \
    --vary caregivers.cg_qingxu.shifts.cover.count=1:3 \
    --vary caregivers.cg_jinyuan.shifts.cover.count=1:3 \
    --vary caregivers.cg_gujiao.shifts.cover.count=1:3 \
    --vary caregivers.cg_yangqu.shifts.cover.count=1:3 \
    --vary caregivers.cg_loufan.shifts.cover.count=1:3 \
    --target 'alarm.on_time_rate@district=xiaodian>=0.72' \
    --target 'alarm.on_time_rate@district=wanbailin>=0.83' \
    --target 'alarm.on_time_rate@district=xinghualing>=0.84' \
    --target 'alarm.on_time_rate@district=yingze>=0.86' \
    --target 'alarm.on_time_rate@district=jiancaoping>=0.79' \
    --target 'alarm.on_time_rate@district=qingxu>=0.91' \
    --target 'alarm.on_time_rate@district=jinyuan>=0.82' \
    --target 'alarm.on_time_rate@district=gujiao>=0.88' \
    --target 'alarm.on_time_rate@district=yangqu>=0.92' \
    --target 'alarm.on_time_rate@district=loufan>=0.91' \
    --max-reps 10 --out results/size/double-beds-cover "$@"

# 3. Day caregivers of the eight pools that have a day shift (Yangqu and Loufan have cover
#    only), with parts 1 and 2's answers (the cover caregivers make planned visits too), for
#    today's care-visit and alarm on-time rates in each district. The answer's cost per year is
#    that of the whole answer (home teams as given). Answer (confirmed): day caregivers 7, 4, 3,
#    2, 2, 2, 2, 1 in the order below; 16,649,026 CNY a year, 113.8 caregiver FTE. The pilots'
#    corner (6, 3, 2, 1, 1, 1, 1, 0) failed the confirmation on Yingze's alarm target.
carecap size "$SCENARIO" \
    --set bathing_centre.vans.count=11 --set bathing_centre.stations=17 \
    --set caregivers.cg_xiaodian.shifts.cover.count=2 \
    --set caregivers.cg_wanbailin.shifts.cover.count=2 \
    --set caregivers.cg_xinghualing.shifts.cover.count=2 \
    --set caregivers.cg_yingze.shifts.cover.count=2 \
    --set caregivers.cg_jiancaoping.shifts.cover.count=2 \
    --set caregivers.cg_qingxu.shifts.cover.count=2 \
    --set caregivers.cg_jinyuan.shifts.cover.count=2 \
    --set caregivers.cg_gujiao.shifts.cover.count=2 \
    --set caregivers.cg_yangqu.shifts.cover.count=2 \
    --set caregivers.cg_loufan.shifts.cover.count=2 \
    --vary caregivers.cg_xiaodian.shifts.day.count=3:8 \
    --vary caregivers.cg_wanbailin.shifts.day.count=0:6 \
    --vary caregivers.cg_xinghualing.shifts.day.count=0:5 \
    --vary caregivers.cg_yingze.shifts.day.count=0:4 \
    --vary caregivers.cg_jiancaoping.shifts.day.count=0:4 \
    --vary caregivers.cg_qingxu.shifts.day.count=0:3 \
    --vary caregivers.cg_jinyuan.shifts.day.count=0:2 \
    --vary caregivers.cg_gujiao.shifts.day.count=0:2 \
    --target 'care_visit.on_time_rate@district=xiaodian>=0.999' \
    --target 'care_visit.on_time_rate@district=wanbailin>=0.999' \
    --target 'care_visit.on_time_rate@district=xinghualing>=0.999' \
    --target 'care_visit.on_time_rate@district=yingze>=0.999' \
    --target 'care_visit.on_time_rate@district=jiancaoping>=0.999' \
    --target 'care_visit.on_time_rate@district=qingxu>=0.999' \
    --target 'care_visit.on_time_rate@district=jinyuan>=0.999' \
    --target 'care_visit.on_time_rate@district=gujiao>=0.999' \
    --target 'alarm.on_time_rate@district=xiaodian>=0.72' \
    --target 'alarm.on_time_rate@district=wanbailin>=0.83' \
    --target 'alarm.on_time_rate@district=xinghualing>=0.84' \
    --target 'alarm.on_time_rate@district=yingze>=0.86' \
    --target 'alarm.on_time_rate@district=jiancaoping>=0.79' \
    --target 'alarm.on_time_rate@district=qingxu>=0.91' \
    --target 'alarm.on_time_rate@district=jinyuan>=0.82' \
    --target 'alarm.on_time_rate@district=gujiao>=0.88' \
    --max-reps 10 --out results/size/double-beds-day "$@"

# 4. Home teams of the two largest home-team pools, with the centre's answer, for today's
#    home-bath waits in their largest districts. Nothing in these ranges meets them (exit 1,
#    reported, not fatal): at 20 core teams, 44 % busy, Wanbailin's home baths still wait
#    0.82 days; see README for why.
carecap size "$SCENARIO" \
    --set bathing_centre.vans.count=11 --set bathing_centre.stations=17 \
    --vary home_bathing.teams.home_core.shifts.0.count=5:20 \
    --vary home_bathing.teams.home_xiaodian.shifts.0.count=2:8 \
    --target 'home_bath.wait_mean@district=wanbailin<=0.75' \
    --target 'home_bath.wait_mean@district=xiaodian<=0.9' \
    --max-reps 10 --out results/size/double-beds-home "$@" || echo "part 4: exit $? (1: nothing in the ranges meets the targets; see README)"
