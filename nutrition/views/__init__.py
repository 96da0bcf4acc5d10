"""Nutrition pages, one module per page or group of actions (nutrition/urls.py maps them).

- day.py: the day page, the query every day action reads (`day_params`) and how a change on it answers;
- search.py: the food type-ahead;
- items.py: add, change and remove a logged food;
- foods.py: favourites and the patient's own foods;
- edits.py: correcting a supplement-plan line or one of the patient's own foods;
- copying.py: copy an earlier day or meal;
- supplements.py: the supplement plan and ticking a supplement off;
- targets.py: the targets page, where the care team may set their own values;
- trends.py: averages and daily calcium and vitamin D.
"""
