console.log("runner ok", process.version)
