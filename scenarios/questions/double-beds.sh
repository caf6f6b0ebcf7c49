#!/bin/sh
# Twice the beds, today's waits: how much capacity does scenarios/taiyuan-2022-double-beds.yaml
# (6,152 family care beds instead of 3,076, the 2022 capacity) need to keep the waits of the
# baseline? Today's figures: `carecap run scenarios/taiyuan-2022.yaml --reps 4` (seed 20220828):
# centre baths wait 2.49 days on average; home baths 0.67 days (Wanbailin 0.70, Xiaodian 0.88);
# alarms on time 82.2 % (Xiaodian 73.4 %, Wanbailin 84.0 %); care visits 99.99 % on time.
#
# The question splits into independent parts because the pools share no requests: caregivers
# serve care visits and alarms only, each district's by its own pool; baths go to the centre or
# to the home teams. Each part is one `carecap size` command; run from the repository root. The
# answers and timings measured are in README.md ("Sizing").
set -e
SCENARIO=scenarios/taiyuan-2022-double-beds.yaml

# 1. The bathing centre: vans and stations, for today's centre-bath wait.
carecap size "$SCENARIO" \
    --vary bathing_centre.vans.count=5:12 --vary bathing_centre.stations=12:24 \
    --target 'centre_bath.wait_mean<=2.5' \
    --max-reps 10 --out results/size/double-beds-centre "$@"

# 2. Round-the-clock cover of the two largest caregiver pools, for today's alarm on-time rates
#    in their districts (the other eight pools: the same command with their names).
carecap size "$SCENARIO" \
    --vary caregivers.cg_xiaodian.shifts.cover.count=1:4 \
    --vary caregivers.cg_wanbailin.shifts.cover.count=1:4 \
    --target 'alarm.on_time_rate@district=xiaodian>=0.73' \
    --target 'alarm.on_time_rate@district=wanbailin>=0.84' \
    --max-reps 10 --out results/size/double-beds-cover "$@"

# 2b. Xiaodian's day staff, with part 2's two round-the-clock caregivers (who make planned visits
#     too), for today's care-visit and alarm on-time rates in Xiaodian.
carecap size "$SCENARIO" \
    --set caregivers.cg_xiaodian.shifts.cover.count=2 \
    --vary caregivers.cg_xiaodian.shifts.day.count=3:12 \
    --target 'care_visit.on_time_rate@district=xiaodian>=0.99' \
    --target 'alarm.on_time_rate@district=xiaodian>=0.73' \
    --max-reps 10 --out results/size/double-beds-day "$@"

# 3. Home bathing teams of the two largest home-team pools, with the centre's answer of part 1
#    (11 vans, 17 stations: fewer baths overflow from the centre to the home teams), for today's
#    home-bath waits in their largest districts (the four county teams: the same command).
carecap size "$SCENARIO" \
    --set bathing_centre.vans.count=11 --set bathing_centre.stations=17 \
    --vary home_bathing.teams.home_core.shifts.0.count=5:12 \
    --vary home_bathing.teams.home_xiaodian.shifts.0.count=2:6 \
    --target 'home_bath.wait_mean@district=wanbailin<=0.75' \
    --target 'home_bath.wait_mean@district=xiaodian<=0.9' \
    --max-reps 10 --out results/size/double-beds-home "$@"
